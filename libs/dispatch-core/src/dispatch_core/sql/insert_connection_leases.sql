-- A lease row for each connection served, free until someone takes it.
INSERT INTO connection_leases (tenant_id, connection_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT DO NOTHING
