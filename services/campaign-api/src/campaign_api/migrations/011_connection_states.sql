-- Whether each connection is paused, as its dispatcher announced it
-- (connection.state.v1): the console's connections page shows it.  The later
-- changed_at holds; a pause ends by itself at paused_until.
CREATE TABLE connection_states (
    tenant_id      text NOT NULL,
    connection_id  text NOT NULL,
    paused         boolean NOT NULL,
    paused_until   timestamptz,
    code           text,
    reason         text,
    changed_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, connection_id)
);
