-- Campaign $1's recipients numbered $2 + 1 to $2 + $3, in order, with the contact
-- fields frozen when the snapshot was taken: one JSON array whose members are
-- `Recipient`s of the contracts (the column names are its field names).
-- Recipients are numbered without gaps, so a page is a range of the key and
-- reads its own rows only.
SELECT coalesce(json_agg(recipient ORDER BY recipient.recipient_no), '[]')::text
FROM (
    SELECT page.recipient_no,
           page.connection_id || ':' || page.external_id AS contact_id,
           page.external_id,
           page.name,
           page.locale,
           page.labels,
           page.attributes,
           page.last_inbound_at
    FROM recipients page
    WHERE page.campaign_id = $1 AND page.recipient_no > $2 AND page.recipient_no <= $2 + $3
) AS recipient
