-- Issue 20 C+D: the wall display's account and the floor's alerts. Expand-only: a wider role check, a new table.

-- A view-only account for the floor's wallboard (the floor's figures, operators' states and alerts, nothing else).
alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check
  check (role in ('OPERATOR', 'SUPERVISOR', 'DATA_MANAGER', 'DATA_MANAGEMENT_LEADER', 'ADMIN', 'LIAISON',
                  'AGENCY_REPORTER', 'WALLBOARD'));

-- A floor alert: one condition (a long wait, the service level under target, an urgent call with nobody available,
-- an escalation past its deadline) raised in one interval of the floor. The primary key is the "once per condition
-- per interval": the leader inserts with on conflict do nothing, so a second node, or the same one after a
-- restart, raises and sends nothing twice. Cleared when the condition no longer holds; a condition that comes back
-- in the same interval reopens its row (cleared_at back to null) and is not sent again. Staff data only: the
-- words say how long, how many, which level, never a caller or a number.
create table floor_alert (
  kind           text not null check (kind in ('LONG_WAIT', 'SERVICE_LEVEL', 'URGENT_UNATTENDED',
                                                'ESCALATION_OVERDUE')),
  interval_from  timestamptz not null,
  interval_to    timestamptz not null check (interval_to > interval_from),
  raised_at      timestamptz not null,
  cleared_at     timestamptz,
  words          text not null check (length(words) between 1 and 500),
  primary key (kind, interval_from)
);
create index floor_alert_standing on floor_alert (raised_at) where cleared_at is null;
