-- One round trip for a connection's deliveries: record outcomes ($1-$11) and
-- claim the deliveries whose calls go out now ($14-$17), for connection $13 of
-- tenant $12; $18 and $19 are the outcomes' and the claims' fallback reasons.
--
-- Outcomes: of deliveries that were sent ('sending'), or that wait for another
-- attempt ('claimed'), or that ended without a call (skipped, cancelled) and may
-- have no row yet; one already final (another process recorded it) keeps its
-- outcome.  Claims: a new delivery is written 'sending'; one waiting for another
-- attempt ('claimed': refused for the platform's rate) becomes 'sending' again;
-- any other is not ours to send.  Both in one statement, so a message that ends
-- and the next one that starts in its slot change places atomically: no moment
-- has more than max_in_flight deliveries 'sending'.  The two never touch the
-- same row (a delivery's outcome is written only after its claim returned).
WITH recorded AS (
    INSERT INTO deliveries AS d (campaign_id, recipient_no, step_no, tenant_id, connection_id,
                                 status, attempts, platform_message_id, error_code, error_reason,
                                 composition, sent_at, finished_at, fallback_reason)
    SELECT t.campaign_id, t.recipient_no, t.step_no, $12, $13, t.status, t.attempts,
           t.platform_message_id, t.error_code, t.error_reason, t.composition, t.sent_at,
           t.finished_at, t.fallback_reason
    FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::text[], $5::int[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[],
                $18::text[])
        AS t (campaign_id, recipient_no, step_no, status, attempts, platform_message_id,
              error_code, error_reason, composition, sent_at, finished_at, fallback_reason)
    ON CONFLICT (campaign_id, recipient_no, step_no) DO UPDATE
    SET status = EXCLUDED.status,
        attempts = greatest(d.attempts, EXCLUDED.attempts),
        platform_message_id = EXCLUDED.platform_message_id,
        error_code = EXCLUDED.error_code,
        error_reason = EXCLUDED.error_reason,
        sent_at = EXCLUDED.sent_at,
        finished_at = EXCLUDED.finished_at
    WHERE d.status IN ('claimed', 'sending')
    RETURNING d.campaign_id, d.recipient_no, d.step_no
), claimed AS (
    INSERT INTO deliveries AS d (campaign_id, recipient_no, step_no, tenant_id, connection_id,
                                 composition, status, attempts, fallback_reason)
    SELECT t.campaign_id, t.recipient_no, t.step_no, $12, $13, t.composition, 'sending', 1,
           t.fallback_reason
    FROM unnest($14::uuid[], $15::int[], $16::smallint[], $17::text[], $19::text[])
             AS t (campaign_id, recipient_no, step_no, composition, fallback_reason)
    ON CONFLICT (campaign_id, recipient_no, step_no) DO UPDATE
    SET status = 'sending', attempts = d.attempts + 1
    WHERE d.status = 'claimed'
    RETURNING d.campaign_id, d.recipient_no, d.step_no, d.attempts
)
SELECT false AS claim, campaign_id, recipient_no, step_no, 0 AS attempts FROM recorded
UNION ALL
SELECT true AS claim, campaign_id, recipient_no, step_no, attempts FROM claimed
