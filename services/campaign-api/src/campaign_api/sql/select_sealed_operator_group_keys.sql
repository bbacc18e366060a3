SELECT tenant_id, chat_id, sealed_keys FROM operator_groups
