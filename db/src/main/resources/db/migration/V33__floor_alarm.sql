-- Issue 17: an urgent call that waits with nobody available alarms every supervisor once. The row is that "once"
-- (across restarts and nodes: the primary key decides who raises it) and what a supervisor's page opened later
-- still shows until the call is answered or ends. Nothing personal: the call's id, when, and how long it waited.
create table floor_alarm (
  call_id         uuid primary key references call,
  raised_at       timestamptz not null,
  waited_seconds  integer not null check (waited_seconds >= 0),
  cleared_at      timestamptz
);
create index floor_alarm_open on floor_alarm (raised_at) where cleared_at is null;
