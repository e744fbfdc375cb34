-- Issue 18, item 6: a supervisor's warning about a caller ("abusive", "high risk", "prank"), tied to the caller's
-- keyed number hash so that it shows on every later call from the same number without anyone decrypting it.
-- A flag always ends: it expires at its own time (at most a year after it was set) or a supervisor lifts it early.
-- Rows are kept after either, so who flagged whom and for how long stays on record.
create table caller_flag (
  id          uuid primary key,
  caller_hash bytea not null,
  -- The call it was set from (its mask is what screens show of the number).
  call_id     uuid not null references call,
  kind        text not null check (kind in ('ABUSIVE', 'HIGH_RISK', 'PRANK')),
  -- The supervisor's optional note, AES-GCM ciphertext bound to the row: free text that may name someone.
  note_enc    bytea,
  set_by      bigint not null references app_user,
  set_at      timestamptz not null,
  expires_at  timestamptz not null,
  lifted_by   bigint references app_user,
  lifted_at   timestamptz,
  check (expires_at > set_at and expires_at <= set_at + interval '366 days'),
  check ((lifted_by is null) = (lifted_at is null))
);
create index caller_flag_by_caller on caller_flag (caller_hash, expires_at) where lifted_at is null;
create index caller_flag_open on caller_flag (expires_at) where lifted_at is null;
