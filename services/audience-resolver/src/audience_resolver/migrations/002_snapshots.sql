-- A campaign's audience frozen at launch: taken once, whatever changes later.
CREATE TABLE snapshots (
    campaign_id          uuid PRIMARY KEY,
    tenant_id            text        NOT NULL,
    connection_id        text        NOT NULL,
    audience_size        integer     NOT NULL DEFAULT 0,
    unknown_count        integer     NOT NULL DEFAULT 0,
    unknown_external_ids text[]      NOT NULL DEFAULT '{}',
    taken_at             timestamptz NOT NULL
);

-- Its recipients, numbered from 1 in snapshot order.  A recipient refers to its
-- contact (contacts are never deleted); the fields a message needs are read from
-- the contact when the snapshot is streamed.
CREATE TABLE recipients (
    campaign_id  uuid    NOT NULL,
    recipient_no integer NOT NULL,
    contact_ref  bigint  NOT NULL,
    PRIMARY KEY (campaign_id, recipient_no)
);
