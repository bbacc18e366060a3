-- Fresh statistics after a bulk import, so the planner picks the indexes that
-- fit each filter's values (autovacuum may be off, or not there yet).
ANALYZE contacts
