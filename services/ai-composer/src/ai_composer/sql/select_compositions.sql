SELECT campaign_id, recipient_no, step_no, text, composition, attempts, fallback_reason
FROM compositions
WHERE (campaign_id, recipient_no, step_no) IN
      (SELECT * FROM unnest($1::uuid[], $2::integer[], $3::integer[]))
