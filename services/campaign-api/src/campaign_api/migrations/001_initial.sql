-- Tenants, their API keys and sender accounts; templates; campaigns and every
-- delivery, as the campaign-api reports them.

CREATE TABLE tenants (
    id                   text PRIMARY KEY,
    plan                 text        NOT NULL CHECK (plan IN ('free', 'paid')),
    monthly_limit        integer     NOT NULL CHECK (monthly_limit >= 0),
    subscription_ends_at timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id         uuid PRIMARY KEY,
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    role       text        NOT NULL CHECK (role IN ('admin', 'operator')),
    key_hash   bytea       NOT NULL UNIQUE,
    key_prefix text        NOT NULL,
    label      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE connections (
    tenant_id     text        NOT NULL REFERENCES tenants (id),
    id            text        NOT NULL,
    channel       text        NOT NULL,
    credentials   jsonb       NOT NULL DEFAULT '{}',
    limits        jsonb       NOT NULL DEFAULT '{}',
    first_used_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE templates (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL,
    steps      jsonb       NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- An accepted request, so the same request_id makes one campaign set only.
CREATE TABLE campaign_requests (
    tenant_id    text        NOT NULL,
    request_id   text        NOT NULL,
    fingerprint  text        NOT NULL,
    campaign_ids uuid[]      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, request_id)
);

CREATE TABLE campaigns (
    id                   uuid PRIMARY KEY,
    tenant_id            text             NOT NULL,
    request_id           text             NOT NULL,
    requested_by         text,
    name                 text             NOT NULL,
    connection_id        text             NOT NULL,
    channel              text             NOT NULL,
    audience             jsonb            NOT NULL,
    content              jsonb            NOT NULL,
    steps                jsonb            NOT NULL,
    interval_seconds     double precision NOT NULL,
    start_at             timestamptz      NOT NULL,
    counts_toward_quota  boolean          NOT NULL,
    status               text             NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'running', 'completed', 'cancelled')),
    audience_size        integer,
    unknown_count        integer          NOT NULL DEFAULT 0,
    unknown_external_ids jsonb            NOT NULL DEFAULT '[]',
    created_at           timestamptz      NOT NULL DEFAULT now(),
    started_at           timestamptz,
    finished_at          timestamptz,
    cancel_requested_at  timestamptz
);
CREATE INDEX campaigns_tenant_created ON campaigns (tenant_id, created_at DESC, id);

-- One row per delivery: one template step to one recipient.  status_rank keeps
-- a status from going backwards (pending 0 < cancelled 1 < final 2).
CREATE TABLE deliveries (
    campaign_id         uuid        NOT NULL REFERENCES campaigns (id),
    recipient_no        integer     NOT NULL,
    step_no             smallint    NOT NULL,
    contact_id          text,
    external_id         text,
    recipient_name      text,
    status              text        NOT NULL DEFAULT 'pending',
    status_rank         smallint    NOT NULL DEFAULT 0,
    attempts            integer     NOT NULL DEFAULT 0,
    platform_message_id text,
    error_code          text,
    error_reason        text,
    composition         text,
    sent_at             timestamptz,
    finished_at         timestamptz,
    PRIMARY KEY (campaign_id, recipient_no, step_no)
);
CREATE INDEX deliveries_campaign_status ON deliveries (campaign_id, status);
