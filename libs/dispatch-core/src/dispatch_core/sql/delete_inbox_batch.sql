DELETE FROM inbox
WHERE seq = $1
