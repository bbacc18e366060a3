-- Connections with batches waiting (the inbox holds only unfinished ones).
SELECT DISTINCT tenant_id, connection_id
FROM inbox
