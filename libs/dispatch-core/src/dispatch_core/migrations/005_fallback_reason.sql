-- Why an AI delivery got the campaign's fallback text (timeout, error, refusal,
-- rejected), kept beside its composition so a re-reported outcome still says it.
ALTER TABLE deliveries ADD COLUMN fallback_reason text;
