-- Filters use a tenant's own entries: labels and functions in GIN indexes that
-- carry the tenant too (btree_gin gives GIN a plain text column), so a label one
-- tenant gives half its contacts costs another tenant nothing; the channel has a
-- btree of its own beside contacts_reachable (tenant, connection).
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX contacts_labels;
DROP INDEX contacts_functions;
CREATE INDEX contacts_labels ON contacts USING gin (tenant_id, labels)
    WHERE opted_out_at IS NULL;
CREATE INDEX contacts_functions ON contacts USING gin (tenant_id, functions_executed)
    WHERE opted_out_at IS NULL;
CREATE INDEX contacts_channels ON contacts (tenant_id, channel, connection_id)
    WHERE opted_out_at IS NULL;

-- A recipient carries the contact's fields as they were when the snapshot was
-- taken, so a snapshot streamed again is the same snapshot, whatever changed in
-- the base since.  Snapshots taken before this migration get their contacts'
-- fields as they are now (what streaming them read until now).
ALTER TABLE recipients
    ADD COLUMN connection_id   text,
    ADD COLUMN external_id     text,
    ADD COLUMN name            text,
    ADD COLUMN locale          text,
    ADD COLUMN labels          text[] NOT NULL DEFAULT '{}',
    ADD COLUMN attributes      jsonb  NOT NULL DEFAULT '{}',
    ADD COLUMN last_inbound_at timestamptz;
UPDATE recipients r
SET connection_id = c.connection_id, external_id = c.external_id, name = c.name,
    locale = c.locale, labels = c.labels, attributes = c.attributes,
    last_inbound_at = c.last_inbound_at
FROM contacts c
WHERE c.id = r.contact_ref;
ALTER TABLE recipients
    ALTER COLUMN connection_id SET NOT NULL,
    ALTER COLUMN external_id SET NOT NULL;

-- Listed people a snapshot does not reach: with no dialog (unknown_*) or opted
-- out (opted_out_*); and why a snapshot is empty when its audience could not be
-- resolved at all (an unknown list).
ALTER TABLE snapshots
    ADD COLUMN opted_out_count        integer NOT NULL DEFAULT 0,
    ADD COLUMN opted_out_external_ids text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN error                  text;

-- Uploaded lists of platform user ids (`audience.list.uploaded.v1` parts), usable
-- as an audience once complete (`audience.list.close.v1`).  A member is an id and
-- the first place it was listed in: a repeat keeps the earlier place.
CREATE TABLE lists (
    list_id      uuid PRIMARY KEY,
    tenant_id    text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    id_count     integer,
    duplicates   integer
);

CREATE TABLE list_parts (
    list_id  uuid    NOT NULL,
    part_no  integer NOT NULL,
    id_count integer NOT NULL,
    PRIMARY KEY (list_id, part_no)
);

CREATE TABLE list_members (
    list_id     uuid    NOT NULL,
    external_id text    NOT NULL,
    position    integer NOT NULL,
    PRIMARY KEY (list_id, external_id)
);
CREATE INDEX list_members_in_order ON list_members (list_id, position);
