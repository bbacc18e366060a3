-- Moves the entries GIN indexes gathered in their pending lists during a bulk
-- import into the indexes proper, so filters and searches do not scan them one
-- by one.
SELECT gin_clean_pending_list('contacts_labels'::regclass)
     + gin_clean_pending_list('contacts_functions'::regclass)
     + gin_clean_pending_list('contacts_search_name'::regclass)
     + gin_clean_pending_list('contacts_search_external_id'::regclass)
