-- Recipients of one snapshot batch ($2, a JSON array), each due at $3, or at its own
-- time in $4 (the same order; NULL: no campaign quiet hours moved any).
INSERT INTO recipients (campaign_id, recipient_no, recipient, due_at)
SELECT $1, (r.recipient ->> 'recipient_no')::int, r.recipient,
       coalesce(($4::timestamptz[])[r.ord], $3)
FROM jsonb_array_elements($2::text::jsonb) WITH ORDINALITY AS r (recipient, ord)
ON CONFLICT (campaign_id, recipient_no) DO NOTHING
