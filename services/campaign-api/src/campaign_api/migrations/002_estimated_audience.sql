-- The audience estimated when the campaign was accepted, for the monthly-limit
-- check of later requests until the real snapshot size is known.
ALTER TABLE campaigns ADD COLUMN estimated_audience integer;
