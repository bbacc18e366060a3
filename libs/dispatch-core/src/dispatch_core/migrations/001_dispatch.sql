-- Sender accounts this dispatcher serves (from connection.updated.v1).
CREATE TABLE connections (
    tenant_id     text        NOT NULL,
    connection_id text        NOT NULL,
    channel       text        NOT NULL,
    credentials   jsonb       NOT NULL DEFAULT '{}',
    limits        jsonb       NOT NULL DEFAULT '{}',
    first_used_at timestamptz,
    deleted       boolean     NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, connection_id)
);

-- One row per delivery, written before the platform is called: a job seen again
-- is never sent again.  'sending' marks a call in progress; a row found in that
-- state after a crash becomes 'unknown' (the platform may or may not have it).
CREATE TABLE deliveries (
    campaign_id         uuid        NOT NULL,
    recipient_no        integer     NOT NULL,
    step_no             smallint    NOT NULL,
    tenant_id           text        NOT NULL,
    connection_id       text        NOT NULL,
    status              text        NOT NULL DEFAULT 'claimed'
        CHECK (status IN ('claimed', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'unknown')),
    attempts            integer     NOT NULL DEFAULT 0,
    platform_message_id text,
    error_code          text,
    error_reason        text,
    composition         text        NOT NULL DEFAULT 'static',
    sent_at             timestamptz,
    finished_at         timestamptz,
    claimed_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, recipient_no, step_no)
);

-- Campaigns cancelled: their jobs still in a queue are reported cancelled.
CREATE TABLE cancelled_campaigns (
    campaign_id  uuid PRIMARY KEY,
    cancelled_at timestamptz NOT NULL
);

-- A connection paused by the platform (rate limit, spam restriction, bad token).
CREATE TABLE connection_pauses (
    tenant_id     text        NOT NULL,
    connection_id text        NOT NULL,
    paused_until  timestamptz NOT NULL,
    reason        text        NOT NULL,
    PRIMARY KEY (tenant_id, connection_id)
);
