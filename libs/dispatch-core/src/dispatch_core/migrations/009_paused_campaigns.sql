-- Campaigns paused by a person or by the scheduler (campaign.pause.v1,
-- campaign.paused.v1) and resumed (campaign.resume.v1): every replica re-reads
-- the paused ones every second, and holds back their jobs (reported 'deferred',
-- code campaign.paused) until they are resumed.  Of two changes of one campaign
-- the later changed_at holds, so a late copy of a pause never undoes a resume.
CREATE TABLE paused_campaigns (
    campaign_id uuid        PRIMARY KEY,
    paused      boolean     NOT NULL,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX paused_campaigns_paused ON paused_campaigns (campaign_id) WHERE paused;
