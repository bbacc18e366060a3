-- Uploaded list $1 of tenant $2: recorded on its first part; the tenant it
-- belongs to either way (the caller refuses a part naming another tenant).  The
-- no-op update makes a concurrent first part wait for this one and read its row.
INSERT INTO lists AS list (list_id, tenant_id) VALUES ($1, $2)
ON CONFLICT (list_id) DO UPDATE SET list_id = list.list_id
RETURNING list.tenant_id
