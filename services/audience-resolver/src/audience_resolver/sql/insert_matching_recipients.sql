-- The contacts of connection $10 of tenant $9 that meet every condition ($1-$8;
-- NULL is no condition) and have not opted out, numbered from 1 in contact
-- order, as campaign $11's recipients, with the contact fields a message needs
-- as they are now (frozen: the snapshot is what the campaign sends to, whatever
-- changes in the base afterwards).  The conditions are
-- fragments/matching_conditions.sql.
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
  -- include: matching_conditions
