UPDATE sendings SET finished_notice_at = now()
WHERE campaign_id = $1 AND finished_notice_at IS NULL
RETURNING tenant_id, chat_id, thread_id, message_id
