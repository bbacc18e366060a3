-- Ids $2 of uploaded list $1, the first of them in place $3 of the list: each id
-- keeps the earliest place it is listed in, whichever part is stored first, so
-- storing a part again changes nothing.  Rows go in id order, so parts stored at
-- once lock shared ids in the same order.
INSERT INTO list_members AS member (list_id, external_id, position)
SELECT $1, listed.external_id, min($3 + listed.ordinality - 1)::integer
FROM unnest($2::text[]) WITH ORDINALITY AS listed (external_id, ordinality)
GROUP BY listed.external_id
ORDER BY listed.external_id
ON CONFLICT (list_id, external_id)
DO UPDATE SET position = LEAST(member.position, EXCLUDED.position)
