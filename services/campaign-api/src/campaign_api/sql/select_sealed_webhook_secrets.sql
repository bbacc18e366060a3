SELECT tenant_id, id, sealed_secret FROM webhooks
