-- The people of uploaded list $3 that tenant $1 cannot reach on connection $2 (on
-- any connection when NULL): those without a dialog there (unknown), and those
-- whose every dialog there opted out; how many of each, and the first $4 of each
-- in the list's order.
WITH listed AS (
    SELECT listed.external_id, listed.position,
           count(c.id) AS dialogs,
           count(c.id) FILTER (WHERE c.opted_out_at IS NULL) AS reachable
    FROM list_members listed
    LEFT JOIN contacts c
        ON c.tenant_id = $1
       AND c.external_id = listed.external_id
       AND ($2::text IS NULL OR c.connection_id = $2)
    WHERE listed.list_id = $3
    GROUP BY listed.external_id, listed.position
)
SELECT count(*) FILTER (WHERE dialogs = 0) AS unknown_count,
       coalesce((array_agg(external_id ORDER BY position)
                 FILTER (WHERE dialogs = 0))[1:$4], '{}') AS unknown,
       count(*) FILTER (WHERE dialogs > 0 AND reachable = 0) AS opted_out_count,
       coalesce((array_agg(external_id ORDER BY position)
                 FILTER (WHERE dialogs > 0 AND reachable = 0))[1:$4], '{}') AS opted_out
FROM listed
