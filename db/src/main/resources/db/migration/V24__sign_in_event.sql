-- Every sign-in try and every end of a session, for the administrators' view of repeated failures and for
-- investigating an account's misuse. Never a password: the username is what was typed (an unknown one too, so
-- that guessing shows), the address is the client's as the server sees it (after the trusted proxy's header).
create table sign_in_event (
  id        bigint generated always as identity primary key,
  at        timestamptz not null,
  username  text not null check (length(username) <= 100),
  address   text not null check (length(address) <= 64),
  outcome   text not null check (outcome in ('SIGNED_IN', 'FAILED', 'LOCKED_OUT', 'REFUSED_WHILE_THROTTLED',
                                             'SIGNED_OUT', 'IDLE_TIMEOUT', 'SESSION_LIMIT'))
);

create index sign_in_event_by_time on sign_in_event (at);
create index sign_in_event_failures on sign_in_event (username, at) where outcome <> 'SIGNED_IN';

-- A security log is evidence, as the audit trail is.
create trigger sign_in_event_append_only before update or delete on sign_in_event
  for each row execute function forbid_change();
