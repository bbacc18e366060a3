"""The web console: the pages business users work in, served by campaign-api.

It calls the same use cases (`campaign_api.usecases`) as the HTTP API, with the
principal of the API key the person signed in with; its pages are rendered on the
server (Jinja2) from one message catalogue per language (`locales/`)."""
