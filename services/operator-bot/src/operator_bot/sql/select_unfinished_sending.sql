SELECT tenant_id, chat_id, thread_id, message_id
FROM sendings
WHERE campaign_id = $1 AND finished_notice_at IS NULL
