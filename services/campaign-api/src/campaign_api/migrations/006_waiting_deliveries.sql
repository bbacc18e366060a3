-- A delivery a rate deferred (a WhatsApp number's daily cap or warm-up) shows as
-- 'waiting' (rank 0, like 'pending'), until when it waits here.
ALTER TABLE deliveries ADD COLUMN waiting_until timestamptz;
