-- The log's deliveries that ended (delivered or failed) before $1, up to $2 of them.
DELETE FROM webhook_deliveries
WHERE id IN (SELECT id FROM webhook_deliveries
             WHERE status <> 'pending' AND finished_at < $1
             LIMIT $2)
