-- A person may opt back in (START) after opting out (STOP): `opt_changed_at` is the
-- time of the latest of the two, so one received earlier (a late or redelivered
-- message) changes nothing.  `opted_out_at` is NULL while they are opted in.
ALTER TABLE inbound_contacts ADD COLUMN opt_changed_at timestamptz;
UPDATE inbound_contacts SET opt_changed_at = opted_out_at WHERE opted_out_at IS NOT NULL;
