-- The contact (dialog) base: one row per dialog between a tenant's connection and
-- a person.  `id` orders contacts (snapshots of filters and of "all" follow it)
-- and is what a snapshot refers to.
--
-- Profile fields (channel .. attributes) change only with a change at least as
-- recent as `profile_updated_at`; `last_inbound_at` only moves forward; once
-- `opted_out_at` is set, no upsert clears it.  A dialog first seen through an
-- inbound message has no profile yet (`profile_updated_at` = -infinity, so any
-- upsert fills it in).
CREATE TABLE contacts (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id          text        NOT NULL,
    connection_id      text        NOT NULL,
    external_id        text        NOT NULL,
    channel            text,
    name               text,
    labels             text[]      NOT NULL DEFAULT '{}',
    functions_executed text[]      NOT NULL DEFAULT '{}',
    locale             text,
    attributes         jsonb       NOT NULL DEFAULT '{}',
    last_inbound_at    timestamptz,
    opted_out_at       timestamptz,
    profile_updated_at timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- (tenant, external id) first: a listed id is found on every connection at once.
CREATE UNIQUE INDEX contacts_dialog ON contacts (tenant_id, external_id, connection_id);

-- Audiences never include opted-out contacts, so their indexes leave them out.
CREATE INDEX contacts_reachable ON contacts (tenant_id, connection_id, id)
    WHERE opted_out_at IS NULL;
CREATE INDEX contacts_labels ON contacts USING gin (labels)
    WHERE opted_out_at IS NULL;
CREATE INDEX contacts_functions ON contacts USING gin (functions_executed)
    WHERE opted_out_at IS NULL;
CREATE INDEX contacts_last_inbound ON contacts (tenant_id, last_inbound_at)
    WHERE opted_out_at IS NULL;
