-- What people wrote to the connections this dispatcher serves (message.inbound.v1):
-- the freshest time each one wrote (the reply window counts from it when it is
-- newer than the campaign's snapshot) and when they replied STOP (an opt-out, for
-- good: their messages in campaigns already running are skipped).
CREATE TABLE inbound_contacts (
    tenant_id       text        NOT NULL,
    connection_id   text        NOT NULL,
    external_id     text        NOT NULL,
    last_inbound_at timestamptz NOT NULL,
    opted_out_at    timestamptz,
    PRIMARY KEY (tenant_id, connection_id, external_id)
);
