-- The first $4 people of uploaded list $3 (in its order) who have a dialog with
-- tenant $1 (on connection $2, or on any when NULL) and have not opted out: a
-- sample of the audience, as one JSON array whose members are `SampleContact`s
-- of the contracts.  The join is that of count_uploaded.sql.
SELECT coalesce(json_agg(sample.contact ORDER BY sample.position, sample.connection_id), '[]')::text
FROM (
    SELECT listed.position, c.connection_id,
           json_build_object(
               'contact_id', c.connection_id || ':' || c.external_id,
               'connection_id', c.connection_id,
               'external_id', c.external_id,
               'name', c.name,
               'locale', c.locale,
               'labels', c.labels,
               'attributes', c.attributes,
               'last_inbound_at', c.last_inbound_at
           ) AS contact
    FROM list_members listed
    JOIN contacts c ON c.tenant_id = $1 AND c.external_id = listed.external_id
    WHERE listed.list_id = $3
      AND ($2::text IS NULL OR c.connection_id = $2)
      AND c.opted_out_at IS NULL
    ORDER BY listed.position, c.connection_id
    LIMIT $4
) AS sample
