"""The `/send` command language: parsing, the API calls it makes, its answers."""
