-- Credentials are kept sealed (SECRETS_KEYS, service_kit.secrets), never in clear,
-- as connection.updated.v1 carries them.  SQL cannot seal: the clear ones move to
-- legacy_credentials, which the dispatcher seals into sealed_credentials when it
-- starts, before it consumes or sends anything, and then empties (service_kit.sealing).
ALTER TABLE connections RENAME COLUMN credentials TO legacy_credentials;
ALTER TABLE connections ALTER COLUMN legacy_credentials DROP NOT NULL,
                        ALTER COLUMN legacy_credentials DROP DEFAULT;
ALTER TABLE connections ADD COLUMN sealed_credentials text;
