-- Claims campaign $1's snapshot; no row back when it was taken before (a
-- concurrent claim waits here until the first one commits).
INSERT INTO snapshots (campaign_id, tenant_id, connection_id, taken_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (campaign_id) DO NOTHING
RETURNING taken_at
