-- The people each number messaged on each UTC day, counted when WhatsApp accepted
-- a message: the warm-up and the daily cap limit how many a day.  One person
-- messaged twice in a day (a chain's steps) is one row.
CREATE TABLE daily_recipients (
    tenant_id     text        NOT NULL,
    connection_id text        NOT NULL,
    day           date        NOT NULL,
    external_id   text        NOT NULL,
    first_sent_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, connection_id, day, external_id)
);
