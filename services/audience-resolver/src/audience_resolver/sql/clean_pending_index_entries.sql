-- Moves the entries GIN indexes gathered in their pending lists during a bulk
-- import into the indexes proper, so filters do not scan them one by one.
SELECT gin_clean_pending_list('contacts_labels'::regclass)
     + gin_clean_pending_list('contacts_functions'::regclass)
