-- The text written for each delivery, stored before its dispatch job is
-- published: a redelivered compose request re-sends this text, never a new one.
CREATE TABLE compositions (
    campaign_id  uuid        NOT NULL,
    recipient_no integer     NOT NULL,
    step_no      integer     NOT NULL,
    text         text        NOT NULL,
    composition  text        NOT NULL CHECK (composition IN ('ai', 'ai_fallback', 'ai_builtin')),
    attempts     smallint    NOT NULL,
    composed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, recipient_no, step_no)
);

-- The texts a campaign has used, by fingerprint: a written text identical to
-- one already used is rejected and written again.
CREATE TABLE campaign_texts (
    campaign_id uuid  NOT NULL,
    fingerprint bytea NOT NULL,
    PRIMARY KEY (campaign_id, fingerprint)
);
