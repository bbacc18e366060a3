-- Campaign $1 releases nothing before $2 (a rate's next allowance), for reason $3.
UPDATE campaigns
SET held_until = greatest(held_until, $2), held_reason = $3
WHERE id = $1
