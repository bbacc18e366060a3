-- The bot's keys sealed again with the newest key; a row changed since it was
-- read ($3 no longer its keys) keeps its newer ones.
UPDATE operator_groups SET sealed_keys = $4
WHERE tenant_id = $1 AND chat_id = $2 AND sealed_keys = $3
