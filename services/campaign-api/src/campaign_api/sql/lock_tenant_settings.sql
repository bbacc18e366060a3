-- Changes of one tenant's settings, one at a time (a first change has no row to lock).
SELECT pg_advisory_xact_lock(hashtext('tenant_settings:' || $1))
