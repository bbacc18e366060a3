-- A group linked, or linked again with a new token, language, users and keys.
INSERT INTO operator_groups (tenant_id, chat_id, sealed_bot_token, sealed_keys, language,
                             allowed_user_ids)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, chat_id) DO UPDATE
SET sealed_bot_token = EXCLUDED.sealed_bot_token,
    sealed_keys = EXCLUDED.sealed_keys,
    language = EXCLUDED.language,
    allowed_user_ids = EXCLUDED.allowed_user_ids,
    updated_at = clock_timestamp()
RETURNING tenant_id, chat_id, sealed_bot_token, sealed_keys, language, allowed_user_ids,
          created_at, updated_at, (xmax = 0) AS created
