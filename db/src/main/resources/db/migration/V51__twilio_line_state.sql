-- Issue 19 (two nodes): what the Twilio adapter must remember about a live call between one webhook or command and
-- the next, kept here rather than in one node's memory, since Twilio's next webhook (or the operator's next command)
-- may reach the other node. Rows are small and short-lived: the leader deletes them a day after their last change.

-- An inbound call's escalation: the operator's leg taken into the call's conference, the escalation line being
-- added, and who is in the conference now. One row per caller's CallSid, created by the first escalation.
create table twilio_escalation (
  call_sid      text primary key check (call_sid ~ '^CA[0-9a-fA-F]{32}$'),
  -- The operator's leg (its CallSid); null once the escalation line answered (the operator may go).
  operator_leg  text check (operator_leg ~ '^CA[0-9a-fA-F]{32}$'),
  -- The escalation being set up; null when none is under way (answered, failed, or never one).
  mode          text check (mode in ('conference', 'transfer')),
  -- The operator was moved into the conference: the caller's Dial ending means "join it", not "hung up".
  conferenced   boolean not null default false,
  -- The CallSids in the conference now (joins and leaves reported by Twilio).
  participants  text[] not null default '{}',
  updated_at    timestamptz not null default now()
);
create index twilio_escalation_updated on twilio_escalation (updated_at);

-- A callback being dialled: the operator's leg rings first, the person is added once the operator answers.
-- The person's number waits here encrypted (AES-GCM, bound to the row) only until it is sent to Twilio.
create table twilio_callback_dial (
  call_ref           text primary key check (call_ref ~ '^cb-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  operator_id        bigint not null references app_user,
  -- The hotline's own Twilio number the person is called from (not personal data).
  from_number        text not null check (from_number ~ '^\+?[0-9]{2,20}$'),
  number_enc         bytea,
  operator_leg       text check (operator_leg ~ '^CA[0-9a-fA-F]{32}$'),
  operator_answered  boolean not null default false,
  created_at         timestamptz not null default now()
);
create index twilio_callback_dial_created on twilio_callback_dial (created_at);
