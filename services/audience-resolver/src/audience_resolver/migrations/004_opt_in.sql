-- A person may opt back in (START) after opting out (STOP, or an import row saying
-- so): `opt_changed_at` is the time of the latest of these, so one received earlier
-- (a late or redelivered message) changes nothing.  `opted_out_at` stays what
-- audiences test: NULL while the contact is opted in.
ALTER TABLE contacts ADD COLUMN opt_changed_at timestamptz;
UPDATE contacts SET opt_changed_at = opted_out_at WHERE opted_out_at IS NOT NULL;
