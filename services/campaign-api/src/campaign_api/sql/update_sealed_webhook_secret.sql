UPDATE webhooks SET sealed_secret = $4
WHERE tenant_id = $1 AND id = $2 AND sealed_secret = $3
