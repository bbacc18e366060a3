SELECT tenant_id, chat_id, sealed_bot_token, sealed_keys, language, allowed_user_ids,
       created_at, updated_at
FROM operator_groups
WHERE tenant_id = $1 AND chat_id = $2
