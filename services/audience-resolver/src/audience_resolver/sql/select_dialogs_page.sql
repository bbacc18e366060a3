-- One page of tenant $9's dialogs, newest first: those before ($11, $12) in
-- (created_at, id) order (NULL: from the newest) that meet every condition
-- ($1-$8; NULL is no condition; fragments/matching_conditions.sql) and
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
  -- include: matching_conditions
  AND ($10::text IS NULL OR c.name ILIKE $10 OR c.external_id ILIKE $10)
ORDER BY c.created_at DESC, c.id DESC
LIMIT $13
