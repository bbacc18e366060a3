-- Part $2 of uploaded list $1, with $3 ids, is stored.
INSERT INTO list_parts (list_id, part_no, id_count)
VALUES ($1, $2, $3)
ON CONFLICT (list_id, part_no) DO NOTHING
