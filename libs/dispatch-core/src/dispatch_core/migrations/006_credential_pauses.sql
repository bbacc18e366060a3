-- A pause made because the platform refused the credentials themselves (a 401,
-- a revoked token, a signed-out account): a successful check of the same
-- credentials (connection.checked.v1) lifts it; a pause for anything else stays.
ALTER TABLE connection_pauses ADD COLUMN bad_credentials boolean NOT NULL DEFAULT false;

-- pauses made before the column: the dispatchers' reasons for refused credentials
UPDATE connection_pauses SET bad_credentials = true
WHERE reason LIKE '%update the connection''s credentials%'
   OR reason LIKE '%credentials are unusable%';
