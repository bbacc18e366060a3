-- A group unlinked; its topics go with it (ON DELETE CASCADE).
DELETE FROM operator_groups
WHERE tenant_id = $1 AND chat_id = $2
RETURNING tenant_id, chat_id, sealed_bot_token, sealed_keys, language, allowed_user_ids,
          created_at, clock_timestamp() AS updated_at
