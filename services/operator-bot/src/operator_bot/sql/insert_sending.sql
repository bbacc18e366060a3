INSERT INTO sendings (campaign_id, tenant_id, chat_id, thread_id, message_id)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (campaign_id) DO NOTHING
