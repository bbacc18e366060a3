UPDATE sendings SET started_notice_at = NULL WHERE campaign_id = $1
