-- The first $11 contacts, in contact order, of tenant $9 (on connection $10, or on
-- any when NULL) that meet every condition ($1-$8; NULL is no condition) and have
-- not opted out: a sample of the audience, as one JSON array whose members are
-- `SampleContact`s of the contracts.  The conditions are
-- fragments/matching_conditions.sql.
SELECT coalesce(json_agg(sample.contact ORDER BY sample.id), '[]')::text
FROM (
    SELECT c.id,
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
    FROM contacts c
    WHERE c.tenant_id = $9
      AND ($10::text IS NULL OR c.connection_id = $10)
      AND c.opted_out_at IS NULL
      -- include: matching_conditions
    ORDER BY c.id
    LIMIT $11
) AS sample
