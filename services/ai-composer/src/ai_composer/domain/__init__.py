"""The composer's rules, pure: prompting a model, checking texts, the built-in writer."""
