-- The quarterly statistics (and the non-identifying export) take the cases registered in a period that were not
-- merged into another. With 1,000,000 cases the only index on created_at led with status, so a quarter meant reading
-- that whole index and then each case's row. This one is ordered by registration time and carries the typed
-- statistical columns, so a quarter is one range of it, read without touching the table (an index-only scan).
create index registry_case_by_registration on registry_case (created_at)
  include (sex, age, place, exploitation_types) where merged_into is null;
