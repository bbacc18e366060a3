SELECT last_inbound_at, opted_out_at
FROM inbound_contacts
WHERE tenant_id = $1 AND connection_id = $2 AND external_id = $3
