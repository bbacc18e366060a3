-- Campaign $1's recipients numbered $2 + 1 to $2 + $3, in order, with the contact
-- fields a message needs: one JSON array whose members are `Recipient`s of the
-- contracts (the column names are its field names).  Recipients are numbered
-- without gaps, so a page is a range of the key and reads its own rows only.
SELECT coalesce(json_agg(recipient ORDER BY recipient.recipient_no), '[]')::text
FROM (
    SELECT page.recipient_no,
           c.connection_id || ':' || c.external_id AS contact_id,
           c.external_id,
           c.name,
           c.locale,
           c.labels,
           c.attributes,
           c.last_inbound_at
    FROM recipients page
    JOIN contacts c ON c.id = page.contact_ref
    WHERE page.campaign_id = $1 AND page.recipient_no > $2 AND page.recipient_no <= $2 + $3
) AS recipient
