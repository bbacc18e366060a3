SELECT update_id, payload FROM updates
WHERE bot_id = $1 AND handled_at IS NULL
ORDER BY update_id
