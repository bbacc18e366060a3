SELECT chat_id, tenant_id, sealed_bot_token, sealed_keys, language, allowed_user_ids, unlinked
FROM groups
WHERE ($1::bigint IS NULL OR chat_id = $1)
ORDER BY chat_id
