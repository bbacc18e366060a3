"""campaignctl: the /send command language against the campaign-api."""
