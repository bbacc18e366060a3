SELECT max(update_id) FROM updates WHERE bot_id = $1
