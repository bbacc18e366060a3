"""The operator bot: `/send` typed in a tenant's Telegram group, carried out by
campaign-api's `POST /v1/commands`, answered in the topic it was typed in."""
