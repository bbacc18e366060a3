INSERT INTO campaign_requests (tenant_id, request_id, fingerprint, campaign_ids)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, request_id) DO NOTHING
RETURNING request_id
