-- Webhooks (issue 17): a tenant's URLs told of its campaigns' events, each
-- delivery signed with the webhook's own secret (sealed with SECRETS_KEYS, never
-- in clear).  A delivery row is written in the transaction of the state change
-- that causes its event, so no event is lost; the sender loop claims due rows
-- (FOR UPDATE SKIP LOCKED: replicas share them) and retries for up to 24 hours.
CREATE TABLE webhooks (
    id            uuid        PRIMARY KEY,
    tenant_id     text        NOT NULL REFERENCES tenants (id),
    url           text        NOT NULL,
    events        text[]      NOT NULL,
    progress_step smallint    NOT NULL DEFAULT 10 CHECK (progress_step BETWEEN 1 AND 100),
    sealed_secret text        NOT NULL,
    enabled       boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id, created_at, id);

-- One row per event per webhook.  event_key makes an event once per webhook
-- (a redelivered campaign.started.v1, a progress step reached twice); its id is
-- the event id receivers deduplicate by (header Campaigns-Event-Id).
CREATE TABLE webhook_deliveries (
    id               uuid        PRIMARY KEY,
    webhook_id       uuid        NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event_key        text        NOT NULL,
    event_type       text        NOT NULL,
    campaign_id      uuid,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    UNIQUE (webhook_id, event_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at DESC, id);
-- What the log's retention erases (WEBHOOK_LOG_DAYS).
CREATE INDEX webhook_deliveries_ended ON webhook_deliveries (finished_at)
    WHERE status <> 'pending';
