-- Batches of jobs as they arrived (dispatch.send.v1), kept until every job in
-- them has its outcome recorded and reported.  The broker message is acknowledged
-- as soon as its batch is stored here, however long sending it takes: RabbitMQ
-- closes a channel that holds a message unacknowledged for longer than its
-- consumer timeout (30 minutes by default), and a batch of 500 WhatsApp messages
-- 15 s apart takes two hours.  `digest` (of the message body) makes a redelivered
-- message a no-op.
CREATE TABLE inbox (
    seq           bigserial   PRIMARY KEY,
    tenant_id     text        NOT NULL,
    connection_id text        NOT NULL,
    digest        text        NOT NULL UNIQUE,
    request       text        NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_by_connection ON inbox (tenant_id, connection_id, seq);

-- Which process sends for each connection: the holder of an unexpired lease.  A
-- holder stops sending a margin before its lease expires; a successor starts
-- only after it expired (or was released) and honours what the connection left:
-- when it last sent and until when the platform asked it to wait (a 429).
CREATE TABLE connection_leases (
    tenant_id          text        NOT NULL,
    connection_id      text        NOT NULL,
    holder             uuid,
    expires_at         timestamptz NOT NULL DEFAULT now(),
    last_send_at       timestamptz,
    rate_limited_until timestamptz,
    PRIMARY KEY (tenant_id, connection_id)
);

-- A pause holds while the connection keeps the credentials it was paused with
-- (a digest, never the secret): new credentials lift it, other changes do not.
ALTER TABLE connection_pauses ADD COLUMN credentials_digest text;
