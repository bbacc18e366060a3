"""ai-composer: writes a different, personal text for every recipient of an AI campaign."""
