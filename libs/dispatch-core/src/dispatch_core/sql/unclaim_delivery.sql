-- A delivery the platform refused for its rate (a 429: provably not delivered)
-- waits for its next attempt: no longer 'sending', so a crash now leaves it to
-- be sent by the next process, not 'unknown'.
UPDATE deliveries
SET status = 'claimed'
WHERE campaign_id = $1 AND recipient_no = $2 AND step_no = $3 AND status = 'sending'
