-- Each enabled webhook told of progress of the campaigns among $1, with how far
-- the campaign is: its finished deliveries of all it will have (its audience
-- times its steps, or the deliveries known if more), from the tallies (a few
-- rows per campaign).  No row, at the cost of one index probe per campaign, when
-- the tenant has no such webhook.
WITH subscribed AS (
    SELECT c.id, c.tenant_id,
           coalesce(c.audience_size, 0)::bigint * jsonb_array_length(c.steps) AS planned
    FROM campaigns AS c
    WHERE c.id = ANY ($1::uuid[])
      AND EXISTS (SELECT 1 FROM webhooks AS w
                  WHERE w.tenant_id = c.tenant_id AND w.enabled
                    AND 'campaign.progress' = ANY (w.events))
), tallied AS (
    SELECT s.id,
           coalesce(sum(t.n), 0) AS known,
           coalesce(sum(t.n) FILTER (WHERE t.status NOT IN ('pending', 'waiting')), 0)
               AS finished
    FROM subscribed AS s
    LEFT JOIN delivery_tallies AS t ON t.campaign_id = s.id
    GROUP BY s.id
)
SELECT w.id AS webhook_id, w.progress_step, s.id AS campaign_id, s.tenant_id,
       greatest(s.planned, t.known)::bigint AS total, t.finished::bigint AS finished
FROM subscribed AS s
JOIN tallied AS t ON t.id = s.id
JOIN webhooks AS w ON w.tenant_id = s.tenant_id AND w.enabled
                  AND 'campaign.progress' = ANY (w.events)
