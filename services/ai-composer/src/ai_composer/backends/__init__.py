"""The backends that write texts: an OpenAI-compatible model, or the built-in writer."""
