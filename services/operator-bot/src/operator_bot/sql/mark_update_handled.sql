UPDATE updates SET handled_at = now() WHERE bot_id = $1 AND update_id = $2
