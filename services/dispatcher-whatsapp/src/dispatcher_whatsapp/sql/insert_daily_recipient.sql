-- Number $2 of tenant $1 messaged $4 on day $3 (at $5); the number's days older
-- than a week are forgotten on the way.
WITH forgotten AS (
    DELETE FROM daily_recipients
    WHERE tenant_id = $1 AND connection_id = $2 AND day < $3::date - 7
)
INSERT INTO daily_recipients (tenant_id, connection_id, day, external_id, first_sent_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING
