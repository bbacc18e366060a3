-- Why a delivery got the campaign's fallback text (timeout, error, refusal,
-- rejected); null for a written text.  Re-sent with the stored text.
ALTER TABLE compositions ADD COLUMN fallback_reason text
    CHECK (fallback_reason IN ('timeout', 'error', 'refusal', 'rejected'));
