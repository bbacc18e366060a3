-- The dialog list (`audience.dialogs.v1`) shows opted-out dialogs too, so it
-- cannot use the partial indexes audiences use.  contacts_listing gives a
-- tenant's dialogs newest first (created_at never changes, id breaks ties), a
-- page at a time from the cursor; the trigram indexes (carrying the tenant, as
-- btree_gin lets them) answer a search of names and external ids for a text
-- anywhere in them, in any case, without reading the tenant's other dialogs.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX contacts_listing ON contacts (tenant_id, created_at, id);
CREATE INDEX contacts_search_name ON contacts USING gin (tenant_id, name gin_trgm_ops);
CREATE INDEX contacts_search_external_id ON contacts USING gin (tenant_id, external_id gin_trgm_ops);
