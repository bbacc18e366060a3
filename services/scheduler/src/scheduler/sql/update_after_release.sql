UPDATE campaigns
SET outstanding = outstanding + $2, next_slot_at = $3
WHERE id = $1
