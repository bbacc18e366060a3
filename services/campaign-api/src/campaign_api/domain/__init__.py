"""The campaign-api's rules, pure: no broker, database or HTTP here."""
