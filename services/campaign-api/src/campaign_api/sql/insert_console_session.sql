INSERT INTO console_sessions (token_hash, key_id, csrf_token, expires_at)
VALUES ($1, $2, $3, now() + make_interval(secs => $4))
