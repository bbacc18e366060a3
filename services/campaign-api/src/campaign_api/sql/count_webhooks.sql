SELECT count(*) FROM webhooks WHERE tenant_id = $1
