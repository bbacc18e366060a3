INSERT INTO groups AS g (chat_id, tenant_id, sealed_bot_token, sealed_keys, language,
                         allowed_user_ids, unlinked, changed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (chat_id) DO UPDATE
SET tenant_id = EXCLUDED.tenant_id, sealed_bot_token = EXCLUDED.sealed_bot_token,
    sealed_keys = EXCLUDED.sealed_keys, language = EXCLUDED.language,
    allowed_user_ids = EXCLUDED.allowed_user_ids, unlinked = EXCLUDED.unlinked,
    changed_at = EXCLUDED.changed_at
WHERE g.changed_at < EXCLUDED.changed_at
RETURNING chat_id
