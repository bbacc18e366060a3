-- The monthly limit a campaign was accepted under (tenant.updated.v1, once seen,
-- wins), and cancels that arrived before their campaign did (the two come on
-- separate queues): kept until the campaign comes, which is then cancelled at once.
ALTER TABLE campaigns ADD COLUMN monthly_limit integer;

CREATE TABLE early_cancels (
    campaign_id  uuid        PRIMARY KEY,
    tenant_id    text        NOT NULL,
    requested_at timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
