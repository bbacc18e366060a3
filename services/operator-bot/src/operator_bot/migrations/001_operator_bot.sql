-- The groups the bot serves, the topics bound to customers, the updates it was
-- given (kept before they are acted on: a restart loses none, and one handled
-- twice is handled once), and the sendings it started (where to post their notices).
CREATE TABLE groups (
    chat_id          bigint PRIMARY KEY,
    tenant_id        text NOT NULL,
    sealed_bot_token text NOT NULL,
    sealed_keys      text NOT NULL,
    language         text NOT NULL,
    allowed_user_ids bigint[] NOT NULL DEFAULT '{}',
    unlinked         boolean NOT NULL DEFAULT false,
    changed_at       timestamptz NOT NULL
);

CREATE TABLE topics (
    chat_id       bigint NOT NULL,
    thread_id     bigint NOT NULL,
    tenant_id     text NOT NULL,
    connection_id text NOT NULL,
    external_id   text NOT NULL,
    unbound       boolean NOT NULL DEFAULT false,
    bound_at      timestamptz NOT NULL,
    PRIMARY KEY (chat_id, thread_id)
);

CREATE TABLE updates (
    bot_id      bigint NOT NULL,
    update_id   bigint NOT NULL,
    payload     jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    handled_at  timestamptz,
    PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX updates_pending ON updates (bot_id, update_id) WHERE handled_at IS NULL;

CREATE TABLE sendings (
    campaign_id        uuid PRIMARY KEY,
    tenant_id          text NOT NULL,
    chat_id            bigint NOT NULL,
    thread_id          bigint,
    message_id         bigint NOT NULL,
    started_notice_at  timestamptz,
    finished_notice_at timestamptz
);
