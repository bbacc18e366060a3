UPDATE sendings SET finished_notice_at = NULL WHERE campaign_id = $1
