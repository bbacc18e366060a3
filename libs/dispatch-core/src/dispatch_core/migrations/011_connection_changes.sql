-- When a connection's row last changed, by the database's clock: the order the
-- dispatchers read changes in.  Its `updated_at` is the publisher's time of the
-- change, which a row can carry long after later ones committed (events consumed
-- concurrently, or one redelivered late), so a reader that followed it could pass
-- a change before it was committed and never see it.
ALTER TABLE connections ADD COLUMN changed_at timestamptz NOT NULL DEFAULT clock_timestamp();
