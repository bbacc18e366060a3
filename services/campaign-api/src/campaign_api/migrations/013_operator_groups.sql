-- A tenant's operators' Telegram group (issue 16): the operator-bot answers /send
-- there.  The bot's token and the two API keys it acts with (admin, operator) are
-- kept sealed (SECRETS_KEYS), never in clear; the keys are rows of api_keys
-- labelled 'operator-bot <chat_id>', revoked when the group is relinked or unlinked.
CREATE TABLE operator_groups (
    tenant_id        text        NOT NULL REFERENCES tenants (id),
    chat_id          bigint      NOT NULL,
    sealed_bot_token text        NOT NULL,
    sealed_keys      text        NOT NULL,
    language         text        NOT NULL CHECK (language IN ('en', 'ru', 'de')),
    allowed_user_ids bigint[]    NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, chat_id)
);

-- Which topic of a group talks with which customer (dialog.topic.bound.v1).
CREATE TABLE operator_group_topics (
    tenant_id     text        NOT NULL,
    chat_id       bigint      NOT NULL,
    thread_id     bigint      NOT NULL,
    connection_id text        NOT NULL,
    external_id   text        NOT NULL,
    bound_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, chat_id, thread_id),
    FOREIGN KEY (tenant_id, chat_id) REFERENCES operator_groups ON DELETE CASCADE
);
