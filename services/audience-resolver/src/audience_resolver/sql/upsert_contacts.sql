-- $2: contact records of tenant $1 as a JSON array (at most one per dialog), all
-- as of $3.  A change older than the stored profile leaves the profile as it is;
-- the last inbound time only moves forward; a record saying `opted_out` is a STOP
-- as of $3 (it counts unless a later STOP or START is recorded); nothing here
-- lifts an opt-out.
-- ($2 is text: the records arrive already serialized.)
INSERT INTO contacts AS c (
    tenant_id, connection_id, external_id, channel, name, labels, functions_executed,
    locale, attributes, last_inbound_at, opted_out_at, opt_changed_at, profile_updated_at
)
SELECT $1, record.connection_id, record.external_id, record.channel, record.name,
       record.labels, record.functions_executed, record.locale, record.attributes,
       record.last_inbound_at,
       CASE WHEN record.opted_out THEN $3::timestamptz END,
       CASE WHEN record.opted_out THEN $3::timestamptz END, $3::timestamptz
FROM json_to_recordset($2::text::json) AS record (
    connection_id text, external_id text, channel text, name text, labels text[],
    functions_executed text[], locale text, attributes jsonb, last_inbound_at timestamptz,
    opted_out boolean
)
ON CONFLICT (tenant_id, external_id, connection_id) DO UPDATE SET
    channel = CASE WHEN EXCLUDED.profile_updated_at >= c.profile_updated_at
                   THEN EXCLUDED.channel ELSE c.channel END,
    name = CASE WHEN EXCLUDED.profile_updated_at >= c.profile_updated_at
                THEN EXCLUDED.name ELSE c.name END,
    labels = CASE WHEN EXCLUDED.profile_updated_at >= c.profile_updated_at
                  THEN EXCLUDED.labels ELSE c.labels END,
    functions_executed = CASE WHEN EXCLUDED.profile_updated_at >= c.profile_updated_at
                              THEN EXCLUDED.functions_executed ELSE c.functions_executed END,
    locale = CASE WHEN EXCLUDED.profile_updated_at >= c.profile_updated_at
                  THEN EXCLUDED.locale ELSE c.locale END,
    attributes = CASE WHEN EXCLUDED.profile_updated_at >= c.profile_updated_at
                      THEN EXCLUDED.attributes ELSE c.attributes END,
    profile_updated_at = GREATEST(c.profile_updated_at, EXCLUDED.profile_updated_at),
    last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
    opted_out_at = CASE
        WHEN EXCLUDED.opt_changed_at IS NOT NULL
         AND (EXCLUDED.opt_changed_at, true)
             > (COALESCE(c.opt_changed_at, '-infinity'), c.opted_out_at IS NOT NULL)
        THEN EXCLUDED.opted_out_at ELSE c.opted_out_at END,
    opt_changed_at = CASE
        WHEN EXCLUDED.opt_changed_at IS NOT NULL
         AND (EXCLUDED.opt_changed_at, true)
             > (COALESCE(c.opt_changed_at, '-infinity'), c.opted_out_at IS NOT NULL)
        THEN EXCLUDED.opt_changed_at ELSE c.opt_changed_at END
