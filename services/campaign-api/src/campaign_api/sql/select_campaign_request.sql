SELECT fingerprint, campaign_ids
FROM campaign_requests
WHERE tenant_id = $1 AND request_id = $2
