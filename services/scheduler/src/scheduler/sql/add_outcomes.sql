UPDATE campaigns
SET sent = sent + $2, failed = failed + $3, skipped = skipped + $4, cancelled = cancelled + $5,
    unknown = unknown + $6, recipients_done = recipients_done + $7,
    outstanding = greatest(outstanding - $8, 0), progress_at = clock_timestamp()
WHERE id = $1
