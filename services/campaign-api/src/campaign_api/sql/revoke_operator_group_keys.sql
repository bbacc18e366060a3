-- Revoke the keys minted for a group (labelled $2, 'operator-bot <chat_id>') but
-- those in $3: the pair the group now holds (none when it is unlinked).
UPDATE api_keys
SET revoked_at = now()
WHERE tenant_id = $1 AND label = $2 AND revoked_at IS NULL AND NOT (id = ANY ($3::uuid[]))
