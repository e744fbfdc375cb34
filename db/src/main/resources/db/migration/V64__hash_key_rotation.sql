-- Issue 21, item 4: the progress of a rotation of the caller-number hash key. A stored hash does not say which key
-- made it (it is 32 bytes of HMAC), so the background job walks the calls and the registry cases in id order and
-- keeps here how far it got: a restart or a crash resumes from the last batch that committed. Rotations of the AES
-- keys need no table: every ciphertext names its key, so what is left to do is read from the data itself.
create table hash_key_rotation (
  -- The hash key the rows are moved to (the active one when it started); one rotation per target key.
  to_key        text primary key check (to_key ~ '^[A-Za-z0-9_-]{1,32}$'),
  -- The other hash keys held when it started: the ones whose hashes it replaces.
  from_keys     text[] not null,
  started_at    timestamptz not null,
  -- The last call and registry case done (null: none yet), and how many were looked at.
  call_cursor   uuid,
  calls_done    bigint not null default 0 check (calls_done >= 0),
  case_cursor   uuid,
  cases_done    bigint not null default 0 check (cases_done >= 0),
  finished_at   timestamptz
);
