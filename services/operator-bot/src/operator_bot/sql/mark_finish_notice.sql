UPDATE sendings SET finished_notice_at = now() WHERE campaign_id = $1
