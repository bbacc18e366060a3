-- A dispatcher's gauges, sampled every ~10 s: the jobs in the inboxes of the
-- connections holder $1 holds an unexpired lease of (the inbox_by_connection
-- index), and the connections paused now, by why: the platform refused their
-- credentials, restricted the account, or (a pause recorded before pauses kept
-- their credentials' digest, migration 006) not known.
SELECT
    (SELECT coalesce(sum(i.jobs), 0)
     FROM connection_leases l
     JOIN inbox i ON i.tenant_id = l.tenant_id AND i.connection_id = l.connection_id
     WHERE l.holder = $1 AND l.expires_at > now())::bigint AS inbox_jobs,
    count(*) FILTER (WHERE p.bad_credentials) AS credentials,
    count(*) FILTER (WHERE NOT p.bad_credentials AND p.credentials_digest IS NOT NULL)
        AS restricted,
    count(*) FILTER (WHERE NOT p.bad_credentials AND p.credentials_digest IS NULL) AS other
FROM connection_pauses p
JOIN connections c ON c.tenant_id = p.tenant_id AND c.connection_id = p.connection_id
WHERE p.paused_until > now() AND NOT c.deleted
