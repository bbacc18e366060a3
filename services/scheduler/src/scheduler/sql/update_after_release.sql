UPDATE campaigns
SET outstanding = outstanding + $2, next_slot_at = $3, progress_at = clock_timestamp()
WHERE id = $1
