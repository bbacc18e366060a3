INSERT INTO updates (bot_id, update_id, payload) VALUES ($1, $2, $3)
ON CONFLICT (bot_id, update_id) DO NOTHING
