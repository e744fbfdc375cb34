-- Issue 19, two nodes: only the leading node holds the AMI link, so a command to Asterisk decided on the other node
-- (ring an operator, withdraw, conference, transfer, hang up, call back) is handed over here, with a NOTIFY on
-- commit carrying the row's id only. The leader claims rows with FOR UPDATE SKIP LOCKED, marks them done in the
-- claiming transaction, then acts: each command is carried out at most once, and exactly once while the leader
-- lives; a leader that dies between its commit and Asterisk's answer loses that one command, which the core's own
-- timeouts cover (an offer rings out, an escalation is raised again). The leader's own commands never come here
-- while its link is synced.
create table asterisk_command (
  id          uuid primary key,
  -- The order commands are carried out in (a withdrawal after its connect).
  seq         bigint generated always as identity unique,
  kind        text not null check (kind in ('CONNECT', 'WITHDRAW', 'CONFERENCE', 'TRANSFER', 'HANG_UP', 'CALL_BACK')),
  -- The caller channel's Uniqueid (or a callback's chosen id): no personal data.
  call_ref    text not null check (length(call_ref) between 1 and 128),
  operator_id bigint references app_user,
  -- The number to dial (escalation line, or the person called back), AES-GCM ciphertext bound to the row's id;
  -- erased once the command is done, whatever became of it.
  number_enc  bytea,
  from_node   text not null check (length(from_node) between 1 and 200),
  created_at  timestamptz not null default now(),
  done_at     timestamptz,
  done_by     text,
  -- What became of it: carried out, or why not (the offer no longer stands, the call ended...). No personal data.
  outcome     text,
  check ((done_at is null) = (outcome is null)),
  check (done_at is null or number_enc is null),
  check (done_at is not null or (kind in ('CONFERENCE', 'TRANSFER', 'CALL_BACK')) = (number_enc is not null)),
  check ((kind in ('CONNECT', 'WITHDRAW', 'CALL_BACK')) = (operator_id is not null))
);
create index asterisk_command_pending on asterisk_command (seq) where done_at is null;
