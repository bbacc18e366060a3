-- The scheduler's view of tenants (quotas), campaigns, and each recipient's
-- place in the campaign's chain.  Due deliveries wait here, not in the broker.

CREATE TABLE tenants (
    id                   text PRIMARY KEY,
    monthly_limit        integer     NOT NULL,
    subscription_ends_at timestamptz,
    updated_at           timestamptz NOT NULL
);

-- Deliveries released per tenant per calendar month (UTC), for the monthly limit.
CREATE TABLE monthly_usage (
    tenant_id text    NOT NULL,
    month     date    NOT NULL,
    released  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month)
);

CREATE TABLE campaigns (
    id                    uuid PRIMARY KEY,
    tenant_id             text             NOT NULL,
    connection_id         text             NOT NULL,
    channel               text             NOT NULL,
    name                  text             NOT NULL,
    audience              jsonb            NOT NULL,
    steps                 jsonb            NOT NULL,
    step_count            smallint         NOT NULL,
    step_delays           double precision[] NOT NULL,
    interval_seconds      double precision NOT NULL,
    start_at              timestamptz      NOT NULL,
    counts_toward_quota   boolean          NOT NULL,
    status                text             NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'snapshotting', 'running', 'completed', 'cancelled')),
    snapshot_requested_at timestamptz,
    audience_size         integer,
    batch_count           integer,
    batches_received      integer          NOT NULL DEFAULT 0,
    recipients_loaded     integer          NOT NULL DEFAULT 0,
    recipients_done       integer          NOT NULL DEFAULT 0,
    outstanding           integer          NOT NULL DEFAULT 0,
    next_slot_at          timestamptz,
    sent                  integer          NOT NULL DEFAULT 0,
    failed                integer          NOT NULL DEFAULT 0,
    skipped               integer          NOT NULL DEFAULT 0,
    cancelled             integer          NOT NULL DEFAULT 0,
    unknown               integer          NOT NULL DEFAULT 0,
    created_at            timestamptz      NOT NULL DEFAULT now(),
    started_at            timestamptz,
    finished_at           timestamptz,
    cancel_requested_at   timestamptz,
    final_event_at        timestamptz
);
CREATE INDEX campaigns_active ON campaigns (status, start_at)
    WHERE status IN ('scheduled', 'snapshotting', 'running');

CREATE TABLE snapshot_batches (
    campaign_id uuid    NOT NULL,
    batch_no    integer NOT NULL,
    PRIMARY KEY (campaign_id, batch_no)
);

-- One row per recipient: which step is next, and when it may go.
CREATE TABLE recipients (
    campaign_id  uuid        NOT NULL,
    recipient_no integer     NOT NULL,
    recipient    jsonb       NOT NULL,
    step_no      smallint    NOT NULL DEFAULT 1,
    state        text        NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'released', 'done')),
    due_at       timestamptz NOT NULL,
    released_at  timestamptz,
    PRIMARY KEY (campaign_id, recipient_no)
);
CREATE INDEX recipients_waiting ON recipients (campaign_id, due_at, recipient_no)
    WHERE state = 'waiting';
