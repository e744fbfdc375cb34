-- Issue 20 E: a supervisor listening in on, coaching in or joining an operator's call: two call event types, and
-- the supervisor's start and stop handed over to the node with the AMI link like any Asterisk command.
-- Expand-only (constraints widened). Note for a rolling upgrade: a node older than this one cannot read a call
-- whose timeline holds the new types, so supervisors should wait until both nodes run this version.
alter table call_event drop constraint call_event_type_check;
alter table call_event add constraint call_event_type_check
  check (type in ('ARRIVED', 'IVR_ANSWER', 'QUEUED', 'OFFERED', 'RINGING', 'NO_ANSWER', 'ANSWERED', 'ESCALATED',
                  'TRANSFERRED', 'ENDED', 'ABANDONED', 'ESCALATION_STEP', 'QUIET_MODE', 'SUPERVISED',
                  'SUPERVISION_ENDED'));

-- operator_id is the supervisor (whose phone is rung); the mode is in the kind, since it names the supervisor's leg.
alter table asterisk_command drop constraint asterisk_command_kind_check;
alter table asterisk_command add constraint asterisk_command_kind_check
  check (kind in ('CONNECT', 'WITHDRAW', 'CONFERENCE', 'TRANSFER', 'HANG_UP', 'CALL_BACK', 'SUPERVISE_LISTEN',
                  'SUPERVISE_WHISPER', 'SUPERVISE_JOIN', 'END_LISTEN', 'END_WHISPER', 'END_JOIN'));
-- V49's check of which kinds name an operator had no name of its own: found by what it says.
do $$
declare
  found text;
begin
  select conname into found from pg_constraint
   where conrelid = 'asterisk_command'::regclass and contype = 'c'
     and pg_get_constraintdef(oid) like '%operator_id IS NOT NULL%';
  execute format('alter table asterisk_command drop constraint %I', found);
end $$;
alter table asterisk_command add constraint asterisk_command_operator_check
  check ((kind in ('CONNECT', 'WITHDRAW', 'CALL_BACK', 'SUPERVISE_LISTEN', 'SUPERVISE_WHISPER', 'SUPERVISE_JOIN',
                   'END_LISTEN', 'END_WHISPER', 'END_JOIN')) = (operator_id is not null));

-- Twilio: a supervisor's leg in a call's conference (the participant's CallSid), so that stopping, on whichever
-- node, ends that leg. Short-lived like twilio_escalation; deleted when the supervisor stops or a day later.
create table twilio_supervisor_leg (
  call_sid       text not null check (call_sid ~ '^CA[0-9a-fA-F]{32}$'),
  supervisor_id  bigint not null references app_user,
  leg_sid        text not null check (leg_sid ~ '^CA[0-9a-fA-F]{32}$'),
  updated_at     timestamptz not null default now(),
  primary key (call_sid, supervisor_id)
);
