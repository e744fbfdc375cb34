-- Issue 18, the shared part: how a call came to be (a caller dialled in, the hotline called back, an operator
-- recorded a contact that never came through the phone system), whether the caller could not speak freely, and
-- the events and outcome that callbacks and that mode add. Callback tasks, attempts, caller flags and offline
-- contact details come in their own migrations.
alter table call add column direction text not null default 'INBOUND'
  check (direction in ('INBOUND', 'CALLBACK', 'OFFLINE'));
-- The caller said (IVR digit) or the operator judged that someone may be listening: the console's yes/no script.
alter table call add column quiet_mode boolean not null default false;

alter table call_event drop constraint call_event_type_check;
alter table call_event add constraint call_event_type_check
  check (type in ('ARRIVED', 'IVR_ANSWER', 'QUEUED', 'OFFERED', 'RINGING', 'NO_ANSWER', 'ANSWERED', 'ESCALATED',
                  'TRANSFERRED', 'ENDED', 'ABANDONED', 'ESCALATION_STEP', 'QUIET_MODE'));

-- A callback whose callee never answered is not a caller lost by the hotline: it has its own outcome.
alter table call drop constraint call_outcome_check;
alter table call add constraint call_outcome_check
  check (outcome in ('COMPLETED', 'ABANDONED_IN_IVR', 'ABANDONED_IN_QUEUE', 'ABANDONED_RINGING', 'TRANSFERRED',
                     'LOST', 'NOT_REACHED'));

create index call_by_direction on call (direction, arrived_at desc) where direction <> 'INBOUND';
