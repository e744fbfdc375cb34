-- Issue 19: the routing brain's state outlives a node. Any node takes a routing decision under one advisory
-- transaction lock, loading these rows, running the same rules and writing back what changed; the leader's tick
-- and a takeover find the queue, the offers and the operators' presence where the last decision left them.
-- The brain reserves an operator before the call's OFFERED event commits (see Router.decide), so the reservation
-- is kept here rather than derived from the call rows. Nothing personal: ids, times, presence, language codes.

-- A call routing knows: waiting in the queue, ringing at an operator (an offer), or dialled out for an operator
-- (a callback, whose call row may not exist yet: no foreign key).
create table routing_call (
  call_id      uuid primary key,
  kind         text not null check (kind in ('WAITING', 'RINGING', 'DIALLING')),
  urgent       boolean not null default false,
  language     text check (length(language) <= 16),
  queued_at    timestamptz,
  -- RINGING: the operator it rings and since when. DIALLING: the presence its operator returns to.
  operator_id  bigint,
  since        timestamptz,
  return_to    text,
  check ((kind = 'RINGING') = (operator_id is not null)),
  check ((kind = 'DIALLING') = (return_to is not null)),
  check (kind <> 'RINGING' or (since is not null and queued_at is not null))
);

-- An operator's seat: presence and since when, idle since (longest idle first), the call they ring for or talk
-- on, the languages they take, and whether the provider reported their phone unreachable. A row without a seat
-- (seated false) only remembers an unreachable phone of an operator who never chose a presence.
create table routing_operator (
  operator_id        bigint primary key references app_user on delete cascade,
  seated             boolean not null,
  presence           text check (presence in ('AVAILABLE', 'RINGING', 'ON_CALL', 'WRAP_UP', 'AWAY',
                                              'PHONE_NOT_CONNECTED')),
  since              timestamptz,
  idle_since         timestamptz,
  call_id            uuid,
  languages          text[] not null default '{}',
  phone_unreachable  boolean not null default false,
  check (not seated or (presence is not null and since is not null and idle_since is not null))
);
