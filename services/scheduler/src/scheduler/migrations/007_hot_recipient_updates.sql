-- A recipient's outcome (released -> done) is a HOT update: the index of waiting
-- recipients names `waiting`, a column PostgreSQL keeps from `state`, rather than
-- `state` itself, so an update that changes `state` but not whether the recipient
-- waits changes no indexed column, and its new version goes on the same page,
-- with no new index entry.  (The release, waiting -> released, still leaves that
-- index, so it is not HOT.)  Pages are filled to half (fillfactor 50): a release
-- writes every row of a page anew in one statement, and its new versions stay on
-- their page only with that much room; the outcome then finds the room the
-- released rows' old versions leave once pruned.  The table takes about twice
-- the pages it did.
ALTER TABLE recipients SET (fillfactor = 50);
ALTER TABLE recipients
    ADD COLUMN waiting boolean GENERATED ALWAYS AS (state = 'waiting') STORED;
DROP INDEX recipients_waiting;
CREATE INDEX recipients_waiting ON recipients (campaign_id, due_at, recipient_no)
    WHERE waiting;
