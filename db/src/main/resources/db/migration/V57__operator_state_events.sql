-- Issue 20 (operator states with reasons): routing's presence stays the routing fact; why someone is away and
-- who set it is kept beside it, and every change of an operator's state is appended to an event log in the same
-- transaction as the routing decision that made it, so a shift report can say who was available when (derived
-- from the log, on any node, after any restart). Staff data only: ids, states, reasons, times.
-- Expand-only: an older node ignores the new columns (it writes no reason, which reads as none) and never
-- appends events; a report over a rolling upgrade may miss the changes the old node decided.

alter table routing_operator
  add column away_reason     text check (away_reason in ('BREAK', 'TRAINING', 'MEETING', 'OTHER')),
  -- What made the last change (StateCause: CHOSEN, SUPERVISOR, OFFER_UNANSWERED...); who set it follows from it.
  add column state_cause     text,
  -- The supervisor who set the operator away (null otherwise): the operator's console names them.
  add column set_by_user     bigint references app_user on delete set null,
  -- The supervisors were alerted of this after-call work running past its maximum: once, not on every tick.
  add column wrap_up_overdue boolean not null default false;

create table operator_state_event (
  id          bigint generated always as identity primary key,
  operator_id bigint not null references app_user on delete cascade,
  state       text not null check (state in ('AVAILABLE', 'RINGING', 'ON_CALL', 'WRAP_UP', 'AWAY',
                                             'PHONE_NOT_CONNECTED')),
  reason      text check (reason in ('BREAK', 'TRAINING', 'MEETING', 'OTHER')),
  set_by      text not null check (set_by in ('OPERATOR', 'SUPERVISOR', 'SYSTEM')),
  set_by_user bigint references app_user on delete set null,
  -- What made the change (an operator's choice, an offer, a call's end, the wrap-up maximum...).
  cause       text not null,
  at          timestamptz not null
);
-- The shift report reads one operator's (or every operator's) changes in a window, and the last one before it.
create index operator_state_event_by_operator on operator_state_event (operator_id, at);
create index operator_state_event_by_time on operator_state_event (at);
