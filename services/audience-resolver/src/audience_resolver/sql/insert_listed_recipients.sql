-- The listed people ($4, in order) who have a dialog with connection $3 of
-- tenant $2 and have not opted out, numbered from 1, as campaign $1's recipients,
-- with the contact fields a message needs as they are now (frozen: the snapshot
-- is what the campaign sends to, whatever changes in the base afterwards).
INSERT INTO recipients (
    campaign_id, recipient_no, contact_ref, connection_id, external_id, name, locale,
    labels, attributes, last_inbound_at
)
SELECT $1, row_number() OVER (ORDER BY listed.position), c.id, c.connection_id,
       c.external_id, c.name, c.locale, c.labels, c.attributes, c.last_inbound_at
FROM unnest($4::text[]) WITH ORDINALITY AS listed (external_id, position)
JOIN contacts c
    ON c.tenant_id = $2 AND c.external_id = listed.external_id AND c.connection_id = $3
WHERE c.opted_out_at IS NULL
