-- One page of tenant $9's dialogs, newest first: those before ($11, $12) in
-- (created_at, id) order (NULL: from the newest) that meet every condition
-- ($1-$8; NULL is no condition; those of count_matching.sql, line for line) and
-- whose name or external id matches $10 (an ILIKE pattern; NULL: any), at most
-- $13 rows.  Opted-out dialogs are listed too, flagged.  The order is the one of
-- contacts_listing (tenant, created_at, id), read backwards and stopping at the
-- page's end, which no other index gives (by id alone, the primary key would
-- walk every other tenant's newer contacts); a search can start from the
-- trigram indexes instead.
SELECT c.id,
       c.created_at,
       c.connection_id || ':' || c.external_id AS contact_id,
       c.connection_id,
       c.channel,
       c.external_id,
       c.name,
       c.labels,
       c.functions_executed,
       c.last_inbound_at,
       c.locale,
       c.opted_out_at IS NOT NULL AS opted_out
FROM contacts c
WHERE c.tenant_id = $9
  AND ($11::timestamptz IS NULL OR (c.created_at, c.id) < ($11, $12::bigint))
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
  AND ($10::text IS NULL OR c.name ILIKE $10 OR c.external_id ILIKE $10)
ORDER BY c.created_at DESC, c.id DESC
LIMIT $13
