-- The bot's token sealed again with the newest key; a row changed since it was
-- read ($3 no longer its token) keeps its newer one.
UPDATE operator_groups SET sealed_bot_token = $4
WHERE tenant_id = $1 AND chat_id = $2 AND sealed_bot_token = $3
