-- Campaign $1 paused ($2 true) or resumed ($2 false) at $3, unless a later change is known.
INSERT INTO paused_campaigns AS p (campaign_id, paused, changed_at)
VALUES ($1, $2, $3)
ON CONFLICT (campaign_id) DO UPDATE
SET paused = EXCLUDED.paused, changed_at = EXCLUDED.changed_at
WHERE p.changed_at < EXCLUDED.changed_at
