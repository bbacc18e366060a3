-- How many parts of uploaded list $1 are stored, and the ids they carry in all.
SELECT count(*) AS stored_parts, coalesce(sum(id_count), 0) AS ids_listed
FROM list_parts
WHERE list_id = $1
