-- Finding the case a new report may be about without decrypting anyone's name: each name token's sound (a
-- phonetic code) is stored only as a keyed hash, so "Jon Smyth" meets "John Smith" and nobody reading the table
-- learns a name.
alter table registry_case add column name_keys bytea[] not null default '{}';
create index registry_case_name_keys on registry_case using gin (name_keys) where merged_into is null;

-- Two cases about the same situation from different angles (the same trafficker, the same work site) stay two
-- cases but point at each other; merging is for two records of the same case.
create table case_relation (
  case_a      uuid not null references registry_case,
  case_b      uuid not null references registry_case,
  reason      text not null check (length(reason) between 1 and 500),
  related_by  bigint not null references app_user,
  related_at  timestamptz not null,
  primary key (case_a, case_b),
  check (case_a < case_b)
);
