-- A campaign made by `POST /v1/campaigns/{id}/resend` names the campaign it resends.
ALTER TABLE campaigns ADD COLUMN resend_of uuid REFERENCES campaigns (id);
