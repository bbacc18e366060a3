-- The next $2 sending ids of the tenant; returns the last of them.  The row
-- lock makes concurrent requests of one tenant take turns here.
UPDATE tenants
SET sendings = sendings + $2
WHERE id = $1
RETURNING sendings
