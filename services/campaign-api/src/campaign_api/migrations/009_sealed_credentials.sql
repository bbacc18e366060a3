-- Credentials are kept sealed (SECRETS_KEYS, service_kit.secrets), never in clear.
-- SQL cannot seal: the clear ones move to legacy_credentials, which the service
-- seals into sealed_credentials when it starts, before it serves anything, and
-- then empties (service_kit.sealing).  sealed_credentials is NULL only until then.
ALTER TABLE connections RENAME COLUMN credentials TO legacy_credentials;
ALTER TABLE connections ALTER COLUMN legacy_credentials DROP NOT NULL,
                        ALTER COLUMN legacy_credentials DROP DEFAULT;
ALTER TABLE connections ADD COLUMN sealed_credentials text;
