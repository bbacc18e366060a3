"""The console benchmark's data, written straight into campaign-api's tables in the
shape the service writes them: campaigns as `insert_campaign.sql` stores them, with
their sending ids counted by the tenant's row, and deliveries as the audience
batches create them and the dispatchers' reports finish them (one step each).

Every row is made by `INSERT ... SELECT generate_series` in the database; the mix
of outcomes comes from a hash of the recipient's number, so each run seeds the
same data."""

from __future__ import annotations

import json

import asyncpg

STEPS = json.dumps(
    [
        {
            "step_no": 1,
            "delay_seconds": 0.0,
            "not_before": None,
            "content": {"kind": "text", "text": "Hi {name}, our spring offer is here"},
        }
    ]
)
CONTENT = json.dumps({"kind": "text", "text": "Hi {name}, our spring offer is here"})

INSERT_CAMPAIGNS = """
INSERT INTO campaign_api.campaigns (
    id, tenant_id, request_id, requested_by, name, connection_id, channel, audience, content,
    steps, interval_seconds, start_at, counts_toward_quota, status, audience_size,
    estimated_audience, created_at, started_at, finished_at, cancel_requested_at, sending_id,
    started_by)
SELECT gen_random_uuid(), $1, 'bench-' || n, NULL, 'Campaign ' || n,
       ($2::text[])[1 + n % cardinality($2::text[])], 'telegram_bot', '{"kind": "all"}',
       $3::jsonb, $4::jsonb, 0, created, true, status,
       CASE WHEN status = 'scheduled' THEN NULL ELSE size END, size, created,
       CASE WHEN status = 'scheduled' THEN NULL ELSE created END,
       CASE WHEN status IN ('completed', 'cancelled') THEN created + interval '20 minutes' END,
       CASE WHEN status = 'cancelled' THEN created + interval '10 minutes' END,
       n, $5
FROM (SELECT n,
             now() - ($6 - n) * interval '50 minutes' AS created,
             CASE WHEN n = $6 THEN $7
                  ELSE 20 + (n::bigint * 7919) % 181 END AS size,
             CASE WHEN n = $6 THEN 'completed'
                  WHEN n > $6 - 10 THEN 'scheduled'
                  WHEN n > $6 - 30 THEN 'running'
                  WHEN n % 10 = 0 THEN 'cancelled'
                  ELSE 'completed' END AS status
      FROM generate_series(1, $6::int) AS n) AS planned
"""
"""$1 tenant, $2 connection ids, $3 content, $4 steps, $5 started_by (the admin key's
id), $6 how many campaigns, $7 the size of the newest one (the large campaign)."""

INSERT_REQUESTS = """
INSERT INTO campaign_api.campaign_requests (tenant_id, request_id, fingerprint, campaign_ids,
                                            created_at)
SELECT tenant_id, request_id, md5(request_id), ARRAY[id], created_at
FROM campaign_api.campaigns WHERE tenant_id = $1
"""

COUNT_SENDINGS = """
UPDATE campaign_api.tenants
SET sendings = (SELECT max(sending_id) FROM campaign_api.campaigns WHERE tenant_id = $1)
WHERE id = $1
"""

INSERT_DELIVERIES = """
INSERT INTO campaign_api.deliveries (
    campaign_id, recipient_no, step_no, contact_id, external_id, recipient_name, status,
    status_rank, attempts, platform_message_id, error_code, error_reason, composition,
    sent_at, finished_at)
SELECT id, r, 1, 'contact-' || r, (700000000 + r)::text, 'Person ' || r, outcome,
       CASE outcome WHEN 'pending' THEN 0 WHEN 'cancelled' THEN 1 ELSE 2 END,
       CASE WHEN outcome IN ('sent', 'failed', 'unknown') THEN 1 ELSE 0 END,
       CASE WHEN outcome = 'sent' THEN (900000 + r)::text END,
       CASE outcome
           WHEN 'failed' THEN (ARRAY['403', '400', '403'])[1 + bucket % 3]
           WHEN 'skipped' THEN (ARRAY['policy.opted_out', 'quota.monthly_limit'])[1 + bucket % 2]
           WHEN 'unknown' THEN 'dispatch.interrupted'
           WHEN 'cancelled' THEN 'campaign.cancelled' END,
       CASE outcome
           WHEN 'failed' THEN (ARRAY['Forbidden: bot was blocked by the user',
                                     'Bad Request: chat not found',
                                     'Forbidden: user is deactivated'])[1 + bucket % 3]
           WHEN 'skipped' THEN (ARRAY['the person opted out of all campaigns',
                                      'the tenant''s monthly limit is reached'])[1 + bucket % 2]
           WHEN 'unknown' THEN 'the dispatcher stopped while the message was being sent'
           WHEN 'cancelled' THEN 'the campaign was cancelled' END,
       CASE WHEN outcome <> 'pending' THEN 'static' END,
       CASE WHEN outcome = 'sent' THEN started_at + r * interval '30 ms' END,
       CASE WHEN outcome <> 'pending' THEN started_at + r * interval '30 ms' END
FROM (SELECT c.id, c.started_at, r, bucket,
             CASE WHEN c.status = 'running' AND r > c.audience_size * 6 / 10 THEN 'pending'
                  WHEN c.status = 'cancelled' AND r > c.audience_size / 2 THEN 'cancelled'
                  WHEN bucket % 100 < 85 THEN 'sent'
                  WHEN bucket % 100 < 94 THEN 'failed'
                  WHEN bucket % 100 < 99 THEN 'skipped'
                  ELSE 'unknown' END AS outcome
      FROM campaign_api.campaigns AS c
      CROSS JOIN LATERAL generate_series(1, c.audience_size) AS r
      CROSS JOIN LATERAL (SELECT (r::bigint * 2654435761 + 12345) % 1000003 AS bucket) AS h
      WHERE c.tenant_id = $1 AND c.audience_size IS NOT NULL) AS planned
"""


async def seed(
    database_url: str,
    *,
    tenant: str,
    connections: list[str],
    started_by: str,
    campaigns: int,
    large: int,
) -> None:
    """`campaigns` campaigns of `tenant` (the newest with `large` recipients, the others
    20-200; the newest few scheduled or running, a tenth cancelled), their deliveries
    and requests; then VACUUM ANALYZE, as autovacuum would after such a load."""
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("SET synchronous_commit = off")
        await connection.execute("SET maintenance_work_mem = '256MB'")
        await connection.execute(
            INSERT_CAMPAIGNS, tenant, connections, CONTENT, STEPS, started_by, campaigns, large
        )
        await connection.execute(INSERT_REQUESTS, tenant)
        await connection.execute(COUNT_SENDINGS, tenant)
        await connection.execute(INSERT_DELIVERIES, tenant)
        await connection.execute("VACUUM ANALYZE campaign_api.campaigns")
        await connection.execute("VACUUM ANALYZE campaign_api.deliveries")
        await connection.execute("VACUUM ANALYZE campaign_api.campaign_requests")
    finally:
        await connection.close()
