INSERT INTO deliveries AS d (campaign_id, recipient_no, step_no, contact_id, external_id,
                             recipient_name)
SELECT $1, r.recipient_no, s.step_no, r.contact_id, r.external_id, r.name
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])
         AS r (recipient_no, contact_id, external_id, name)
CROSS JOIN generate_series(1, $6::int) AS s (step_no)
ON CONFLICT (campaign_id, recipient_no, step_no) DO UPDATE
SET contact_id = EXCLUDED.contact_id,
    external_id = EXCLUDED.external_id,
    recipient_name = EXCLUDED.recipient_name
WHERE d.contact_id IS NULL
