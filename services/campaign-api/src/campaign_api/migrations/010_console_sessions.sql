-- The web console's sign-ins.  The browser holds a random token in an HttpOnly,
-- SameSite cookie; only its SHA-256 is kept here, beside the API key it was made
-- with (a revoked key ends its sessions) and the token its forms must carry (CSRF).
CREATE TABLE console_sessions (
    token_hash  bytea PRIMARY KEY,
    key_id      uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
