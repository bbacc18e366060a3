-- The planner's count of contacts (every tenant's): negative before the first
-- ANALYZE or VACUUM has counted them.
SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass
