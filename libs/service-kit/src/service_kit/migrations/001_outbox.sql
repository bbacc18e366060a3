-- Events committed in the same transaction as the state change that caused them;
-- the relay publishes them and deletes them once the broker confirms.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    exchange    text        NOT NULL,
    routing_key text        NOT NULL,
    message_id  text        NOT NULL,
    message_type text       NOT NULL,
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
