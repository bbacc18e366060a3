-- The dialogs (contact ids) of campaign $1's recipients whose chain stopped at one
-- of the given (step $2, status $3, code $4, reason $5) groups of
-- select_resend_groups.sql, with that step, in recipient order.
SELECT stopped.step_no, stopped.contact_id
FROM (
    SELECT DISTINCT ON (recipient_no) recipient_no, step_no, status, error_code, error_reason,
           contact_id
    FROM deliveries
    WHERE campaign_id = $1 AND status <> 'sent'
    ORDER BY recipient_no, step_no
) AS stopped
JOIN unnest($2::smallint[], $3::text[], $4::text[], $5::text[])
         AS picked (step_no, status, error_code, error_reason)
    ON picked.step_no = stopped.step_no
   AND picked.status = stopped.status
   AND picked.error_code IS NOT DISTINCT FROM stopped.error_code
   AND picked.error_reason IS NOT DISTINCT FROM stopped.error_reason
WHERE stopped.contact_id IS NOT NULL
ORDER BY stopped.recipient_no
