-- A delivery a rate held back (a WhatsApp number's daily cap: reported 'deferred')
-- waits again with its original due time and order, and its campaign releases
-- nothing until the allowance renews (held_until, with the rule's reason).  Its
-- monthly usage was taken when it was first released (quota_taken), so its next
-- release does not take it again.
ALTER TABLE recipients ADD COLUMN quota_taken boolean NOT NULL DEFAULT false;
ALTER TABLE campaigns ADD COLUMN held_until timestamptz;
ALTER TABLE campaigns ADD COLUMN held_reason text;
