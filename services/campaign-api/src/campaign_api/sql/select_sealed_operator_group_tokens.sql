SELECT tenant_id, chat_id, sealed_bot_token FROM operator_groups
