-- Pre-flight: as count_matching.sql, in the same one scan, by connection and `timezone`
-- attribute, with those who last wrote before $11 (or never).
-- How many contacts of tenant $9 (on connection $10, or on each when NULL) meet
-- every condition ($1-$8; NULL is no condition) and have not opted out.  The
-- conditions are those of insert_matching_recipients.sql, line for line.
SELECT c.connection_id, c.timezone, count(*) AS matching,
       count(*) FILTER (WHERE c.last_inbound_at IS NULL OR c.last_inbound_at < $11) AS window_closed
FROM contacts c
WHERE c.tenant_id = $9
  AND ($10::text IS NULL OR c.connection_id = $10)
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
GROUP BY c.connection_id, c.timezone
