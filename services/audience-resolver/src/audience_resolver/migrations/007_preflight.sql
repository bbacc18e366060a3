-- Pre-flight: the estimate's one scan also counts by the contact's `timezone`
-- attribute and by the reply window (last_inbound_at).  A stored copy of the
-- attribute and an index holding both let an audience of a whole connection or
-- tenant be counted from the index alone, as contacts_reachable counts the
-- estimate (1,000,000 contacts: bench/preflight, docs/benchmarks.md).
ALTER TABLE contacts ADD COLUMN timezone text GENERATED ALWAYS AS (attributes ->> 'timezone') STORED;
CREATE INDEX contacts_preflight ON contacts (tenant_id, connection_id, timezone, last_inbound_at)
    WHERE opted_out_at IS NULL;
