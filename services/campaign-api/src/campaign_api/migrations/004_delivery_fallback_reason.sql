-- Why an AI delivery got the campaign's fallback text (timeout, error, refusal,
-- rejected), as its dispatcher reported it beside the composition.
ALTER TABLE deliveries ADD COLUMN fallback_reason text;
