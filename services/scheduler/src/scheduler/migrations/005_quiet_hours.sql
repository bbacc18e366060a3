-- Quiet hours a campaign was accepted with (its own, else its tenant's: campaign-api
-- resolves them) and the tenant's default time zone: a delivery due inside them, in
-- the recipient's zone (its `timezone` attribute, else this one), waits until they end.
ALTER TABLE campaigns ADD COLUMN quiet_start text;
ALTER TABLE campaigns ADD COLUMN quiet_end text;
ALTER TABLE campaigns ADD COLUMN default_timezone text NOT NULL DEFAULT 'UTC';
