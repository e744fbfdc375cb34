-- Issue 20 F: operator to operator (a consult with a colleague while the caller is held, the warm transfer, an
-- interpreter line). Expand-only: new call event types, new handed-over Asterisk command kinds, new nullable columns.
-- Note for a rolling upgrade: as with V58, a node older than this one cannot read a call whose timeline holds the
-- new types, nor a seat whose state cause is CONSULTED or HANDED_OVER, so consults should wait until both nodes run
-- this version. Routing needs no new column: a colleague consulted is a seat ON_CALL on the caller's call with the
-- cause CONSULTED (routing_operator.state_cause, V57).
alter table call_event drop constraint call_event_type_check;
alter table call_event add constraint call_event_type_check
  check (type in ('ARRIVED', 'IVR_ANSWER', 'QUEUED', 'OFFERED', 'RINGING', 'NO_ANSWER', 'ANSWERED', 'ESCALATED',
                  'TRANSFERRED', 'ENDED', 'ABANDONED', 'ESCALATION_STEP', 'QUIET_MODE', 'SUPERVISED',
                  'SUPERVISION_ENDED', 'CONSULTED', 'CONSULT_ENDED', 'INTERPRETER_ADDED'));

-- A consult's steps handed over to the node with the AMI link (operator_id: the colleague asked), and an
-- interpreter line (its number encrypted as an escalation's).
alter table asterisk_command drop constraint asterisk_command_kind_check;
alter table asterisk_command add constraint asterisk_command_kind_check
  check (kind in ('CONNECT', 'WITHDRAW', 'CONFERENCE', 'TRANSFER', 'HANG_UP', 'CALL_BACK', 'SUPERVISE_LISTEN',
                  'SUPERVISE_WHISPER', 'SUPERVISE_JOIN', 'END_LISTEN', 'END_WHISPER', 'END_JOIN', 'CONSULT',
                  'HAND_OVER', 'CALL_OFF_CONSULT', 'INTERPRETER'));
alter table asterisk_command drop constraint asterisk_command_operator_check;
alter table asterisk_command add constraint asterisk_command_operator_check
  check ((kind in ('CONNECT', 'WITHDRAW', 'CALL_BACK', 'SUPERVISE_LISTEN', 'SUPERVISE_WHISPER', 'SUPERVISE_JOIN',
                   'END_LISTEN', 'END_WHISPER', 'END_JOIN', 'CONSULT', 'HAND_OVER', 'CALL_OFF_CONSULT'))
         = (operator_id is not null));

-- V49's check of which kinds carry a number had no name of its own: found by what it says, as V58 did.
do $$
declare
  found text;
begin
  select conname into found from pg_constraint
   where conrelid = 'asterisk_command'::regclass and contype = 'c'
     and pg_get_constraintdef(oid) like '%number_enc IS NOT NULL%' and pg_get_constraintdef(oid) like '%CALL_BACK%';
  execute format('alter table asterisk_command drop constraint %I', found);
end $$;
alter table asterisk_command add constraint asterisk_command_number_check
  check (done_at is not null
         or (kind in ('CONFERENCE', 'TRANSFER', 'CALL_BACK', 'INTERPRETER')) = (number_enc is not null));

-- Twilio: holding the caller is an update of their participant, which Twilio addresses by the conference's SID
-- (a friendly name is accepted only when adding a participant): kept from the conference's join events. The
-- colleague's leg while a consult is under way, and whether one is (the caller is held as soon as they join).
alter table twilio_escalation
  add column conference_sid text check (conference_sid ~ '^CF[0-9a-fA-F]{32}$'),
  add column consult_leg    text check (consult_leg ~ '^CA[0-9a-fA-F]{32}$'),
  add column consulting     boolean not null default false;
