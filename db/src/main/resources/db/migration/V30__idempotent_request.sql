-- A create sent twice with the same Idempotency-Key (a double click, a retry after a lost answer) answers the first
-- result again instead of creating twice. In PostgreSQL, not in memory, so it holds across a restart and between
-- nodes. Nothing here is readable as it came: the key (scoped to a user or an anonymous session) and the request
-- are keyed hashes, and the answer, which may name a person or carry a one-time password, is encrypted.
create table idempotent_request (
  key_hash      text primary key check (length(key_hash) = 64),
  request_hash  text not null check (length(request_hash) = 64),
  -- IN_FLIGHT while the first request runs: a duplicate waits for it; DONE once its answer is stored.
  state         text not null check (state in ('IN_FLIGHT', 'DONE')),
  status        smallint,
  content_type  text check (length(content_type) <= 200),
  response_enc  bytea,
  created_at    timestamptz not null,
  expires_at    timestamptz not null,
  check (state = 'IN_FLIGHT' or status is not null)
);

create index idempotent_request_expiry on idempotent_request (expires_at);
