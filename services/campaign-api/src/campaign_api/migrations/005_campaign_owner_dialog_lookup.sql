-- Who started a campaign (the API key's id, or `event:<requested_by>`): an operator
-- may cancel or change only the campaigns they started.  Unknown for older rows.
ALTER TABLE campaigns ADD COLUMN started_by text;

-- `/send sendings` in a dialog: the campaigns that include one person.
CREATE INDEX deliveries_external_campaign ON deliveries (external_id, campaign_id);
