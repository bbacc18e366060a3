-- The text each sent delivery's person got, as the dispatcher reported it
-- (delivery.reported.v1's `text`): shown with the delivery and in the CSV report,
-- and erased DELIVERY_TEXT_RETENTION_DAYS after the delivery finished by the
-- retention loop, which finds the texts left to erase by the partial index (it
-- holds only deliveries whose text is still kept, so it stays small).
ALTER TABLE deliveries ADD COLUMN sent_text text;
CREATE INDEX deliveries_text_kept ON deliveries (finished_at) WHERE sent_text IS NOT NULL;
