-- Issue 18, the callback queue: every caller the hotline failed to answer becomes a task (abandoned in the IVR after
-- the danger question, in the queue, while ringing, lost, or a voicemail). One open task per number: a caller who
-- tries three times is one person to call back, shown with how many calls and dialled on the latest. A task for a
-- caller who said no, never answered the safety question or withheld the number is still listed, marked do-not-call
-- (do_not_call holds why), and can never be taken.
alter table callback_task drop constraint callback_task_reason_check;
alter table callback_task add constraint callback_task_reason_check
  check (reason in ('VOICEMAIL', 'ABANDONED_IN_IVR', 'ABANDONED_IN_QUEUE', 'ABANDONED_RINGING', 'LOST'));
-- The calls a task stands for are in callback_task_call now: that is where a retried report is recognised.
alter table callback_task drop constraint callback_task_call_id_reason_key;

alter table callback_task
  add column caller_hash    bytea,
  add column caller_mask    text not null default 'withheld',
  -- The call to dial back on: the latest from this number (its provider carries the dial).
  add column latest_call_id uuid references call,
  add column last_call_at   timestamptz,
  add column call_count     integer not null default 1 check (call_count >= 1),
  add column urgent         boolean not null default false,
  add column do_not_call    text check (do_not_call in ('SAID_NO', 'NOT_ASKED', 'WITHHELD', 'ASKED_NOT_TO_BE_CALLED')),
  -- Attempts that reached nobody (no answer, someone else answered): the task closes as NOT_REACHED at the limit.
  add column attempts       integer not null default 0 check (attempts >= 0),
  add column closed_as      text check (closed_as in ('REACHED', 'NOT_REACHED', 'WRONG_NUMBER', 'ASKED_NOT_TO_BE_CALLED',
                                                      'NOTED')),
  -- An agency alerted by this caller's IVR danger answer asked the hotline to call back (issue 18, item 7).
  add column requested_by   text,
  add column requested_at   timestamptz;
-- Nothing closed a task before this version; should one be, it was closed without saying how.
update callback_task set closed_as = 'NOTED' where done_at is not null;
alter table callback_task add check ((done_at is null) = (closed_as is null));

update callback_task t set latest_call_id = t.call_id, caller_hash = c.caller_hash, caller_mask = c.caller_mask,
  urgent = c.urgent, last_call_at = t.created_at,
  do_not_call = case when c.caller_hash is null then 'WITHHELD' end
  from call c where c.id = t.call_id;
alter table callback_task alter column latest_call_id set not null;
alter table callback_task alter column last_call_at set not null;

create unique index callback_task_one_open_per_number on callback_task (caller_hash)
  where done_at is null and caller_hash is not null;

-- Each call a task stands for, once: a provider's repeated report of the same ending adds nothing.
create table callback_task_call (
  call_id  uuid not null references call,
  reason   text not null check (reason in ('VOICEMAIL', 'ABANDONED_IN_IVR', 'ABANDONED_IN_QUEUE', 'ABANDONED_RINGING',
                                           'LOST')),
  task_id  uuid not null references callback_task,
  at       timestamptz not null,
  primary key (call_id, reason)
);
insert into callback_task_call (call_id, reason, task_id, at) select call_id, reason, id, created_at from callback_task;
create index callback_task_call_by_task on callback_task_call (task_id, at);

-- An operator working a task: taken, dialled (call_id, the new CALLBACK call), and what came of it. One open attempt
-- per task, so two operators cannot call the same person at once.
create table callback_attempt (
  id          uuid primary key,
  task_id     uuid not null references callback_task,
  operator_id bigint not null references app_user,
  taken_at    timestamptz not null,
  call_id     uuid unique references call,
  outcome     text check (outcome in ('REACHED', 'NO_ANSWER', 'SOMEONE_ELSE', 'WRONG_NUMBER', 'ASKED_NOT_TO_BE_CALLED',
                                      'RELEASED', 'DIAL_FAILED')),
  outcome_at  timestamptz,
  check ((outcome is null) = (outcome_at is null))
);
create unique index callback_attempt_one_open on callback_attempt (task_id) where outcome is null;

-- Numbers whose owner asked not to be called: by keyed hash only, so the list itself names no one.
create table callback_refusal (
  caller_hash bytea primary key,
  at          timestamptz not null,
  recorded_by bigint references app_user
);
