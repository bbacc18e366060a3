-- After a bulk import: fresh statistics, so the planner picks the indexes that fit
-- each filter's values, and the imported rows marked all-visible (hint bits and
-- the visibility map), so an estimate of a whole connection or tenant is an
-- index-only scan of contacts_preflight from the start rather than a read of
-- every heap page, and the first readers do not write the hint bits -- what
-- autovacuum would do in a while (it may be off, or not there yet).  Outside a
-- transaction block, as VACUUM must be.
VACUUM (ANALYZE) contacts
