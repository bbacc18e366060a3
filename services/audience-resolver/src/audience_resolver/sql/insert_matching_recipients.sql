-- The contacts of connection $10 of tenant $9 that meet every condition ($1-$8;
-- NULL is no condition) and have not opted out, numbered from 1 in contact
-- order, as campaign $11's recipients, with the contact fields a message needs
-- as they are now (frozen: the snapshot is what the campaign sends to, whatever
-- changes in the base afterwards).  The conditions are those of
-- count_matching.sql, line for line.
INSERT INTO recipients (
    campaign_id, recipient_no, contact_ref, connection_id, external_id, name, locale,
    labels, attributes, last_inbound_at
)
SELECT $11, row_number() OVER (ORDER BY c.id), c.id, c.connection_id, c.external_id,
       c.name, c.locale, c.labels, c.attributes, c.last_inbound_at
FROM contacts c
WHERE c.tenant_id = $9
  AND c.connection_id = $10
  AND c.opted_out_at IS NULL
  AND ($1::text[] IS NULL OR c.channel = ANY($1))
  AND ($2::text[] IS NULL OR c.connection_id = ANY($2))
  AND ($3::text[] IS NULL OR c.labels && $3)
  AND ($4::text[] IS NULL OR c.labels @> $4)
  AND ($5::text[] IS NULL OR c.functions_executed @> $5)
  AND ($6::timestamptz IS NULL OR c.last_inbound_at >= $6)
  AND ($7::text[] IS NULL
       OR lower(replace(c.locale, '_', '-')) = ANY($7)
       OR split_part(lower(replace(c.locale, '_', '-')), '-', 1) = ANY($7))
  AND ($8::text IS NULL OR c.name ILIKE $8)
