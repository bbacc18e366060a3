-- The first $5 of the listed people ($3, each on connection $4[i] or, when NULL,
-- on any) who have a dialog with tenant $1 (on connection $2, or on any when NULL)
-- and have not opted out, in list order: a sample of the audience, as one JSON
-- array whose members are `SampleContact`s of the contracts.  The join is that
-- of count_listed.sql.
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
    FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS listed (external_id, connection_id, position)
    JOIN contacts c
        ON c.tenant_id = $1
       AND c.external_id = listed.external_id
       AND c.connection_id = COALESCE(listed.connection_id, c.connection_id)
    WHERE ($2::text IS NULL OR c.connection_id = $2)
      AND c.opted_out_at IS NULL
    ORDER BY listed.position, c.connection_id
    LIMIT $5
) AS sample
