-- The conditions of a filter audience on contact `c` ($1-$8; NULL is no
-- condition), as lines that follow a WHERE clause's first condition: every
-- statement that counts, samples, snapshots or lists a filter's contacts takes
-- them from here (`-- include: matching_conditions`), so they cannot drift apart.
-- To add a condition: a field of `domain.Conditions`, its line in
-- `conditions_of`, its argument in `repo.selections.condition_arguments`, and
-- its line here.
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
