-- Issue 19: failed sign-ins are counted in PostgreSQL, so an attacker alternating between the two nodes gets no
-- more tries than against one. One row per throttled key: an account (the username as typed, lower-cased) or an
-- address (IPv4, or an IPv6 /64), both already written in sign_in_event. A row whose count is forgotten and whose
-- lock has ended means nothing and is deleted by the leading node's sweep.
create table sign_in_throttle (
  kind         text not null check (kind in ('ACCOUNT', 'ADDRESS')),
  key          text not null,
  -- 0 only inside the transaction that inserts the row and counts its first failure.
  failures     int not null check (failures >= 0),
  last_failure timestamptz not null,
  locked_until timestamptz,
  primary key (kind, key)
);
create index sign_in_throttle_by_last on sign_in_throttle (last_failure);
