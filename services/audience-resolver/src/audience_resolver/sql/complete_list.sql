-- Uploaded list $1, all of whose parts ($3 ids in all) are stored, is complete
-- as of $2: its distinct ids counted once; no row back when it was before.
WITH members AS (SELECT count(*)::integer AS ids FROM list_members WHERE list_id = $1)
UPDATE lists
SET completed_at = $2, id_count = members.ids, duplicates = $3 - members.ids
FROM members
WHERE lists.list_id = $1 AND lists.completed_at IS NULL
RETURNING lists.id_count, lists.duplicates
