UPDATE campaigns
SET skipped = skipped + $2, recipients_done = recipients_done + $3
WHERE id = $1
