-- Room on each page for a delivery's updates to stay on it (HOT), without
-- touching the index: every delivery is written twice ('sending', then its outcome).
ALTER TABLE deliveries SET (fillfactor = 80);
