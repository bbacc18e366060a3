WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::text[])
        AS t (campaign_id, recipient_no, step_no, composition)
), inserted AS (
    INSERT INTO deliveries (campaign_id, recipient_no, step_no, tenant_id, connection_id,
                            composition)
    SELECT campaign_id, recipient_no, step_no, $5, $6, composition FROM incoming
    ON CONFLICT DO NOTHING
    RETURNING campaign_id, recipient_no, step_no
)
-- rows this statement inserted are not visible to its own reads: a fresh claim
-- shows through `inserted`, an earlier one through `deliveries`; neither means
-- another transaction claimed it at this very moment
SELECT t.campaign_id, t.recipient_no, t.step_no,
       CASE WHEN i.campaign_id IS NOT NULL THEN 'claimed' ELSE d.status END AS status,
       coalesce(d.attempts, 0) AS attempts, d.platform_message_id, d.error_code,
       d.error_reason, coalesce(d.composition, t.composition) AS composition, d.sent_at,
       d.finished_at
FROM incoming t
LEFT JOIN inserted i USING (campaign_id, recipient_no, step_no)
LEFT JOIN deliveries d USING (campaign_id, recipient_no, step_no)
