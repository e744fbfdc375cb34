-- Escalations: an urgent case raised to an agency of the jurisdiction's directory (police, child protection...).
-- An escalation nobody sees is worse than none, so its alert deadline lives here, in the database: a restart
-- finds every open escalation and when it is next due, and the next alert goes out on time.
create table escalation (
  id               uuid primary key,
  call_id          uuid references call,
  report_id        uuid references hotline_report,
  -- The directory's agency id (configuration, not a table: the directory is per jurisdiction).
  agency           text not null check (agency ~ '^[a-z0-9-]{2,40}$'),
  level            text not null check (level in ('IMMEDIATE', 'URGENT')),
  source           text not null check (source in ('OPERATOR', 'IVR', 'RULE')),
  -- Why, in the words of whoever raised it (or the rule's name); never the victim's details.
  reason           text not null check (length(reason) between 1 and 500),
  raised_by        bigint references app_user,
  raised_at        timestamptz not null,
  status           text not null check (status in ('OPEN', 'ACKNOWLEDGED', 'CLOSED')),
  -- How many alert rounds went out; the next is due at next_alert_at while the escalation is open.
  alert_round      integer not null default 0 check (alert_round >= 0),
  next_alert_at    timestamptz,
  acknowledged_at  timestamptz,
  acknowledged_by  bigint references app_user,
  outcome          text check (length(outcome) <= 2000),
  outcome_at       timestamptz,
  closed_at        timestamptz,
  closed_by        bigint references app_user,
  closed_reason    text check (length(closed_reason) <= 500),
  check (call_id is not null or report_id is not null),
  check ((status = 'OPEN') = (next_alert_at is not null)),
  check ((status = 'ACKNOWLEDGED') <= (acknowledged_at is not null)),
  check ((status = 'CLOSED') = (closed_at is not null and closed_reason is not null))
);

create index escalation_due on escalation (next_alert_at) where status = 'OPEN';
create index escalation_by_agency on escalation (agency, raised_at desc);

-- Every alert to send, written in the same transaction as the escalation change that calls for it (an
-- outbox): a crash between deciding and sending loses nothing; a sender marks each one sent or failed.
create table escalation_alert (
  id             uuid primary key,
  escalation_id  uuid not null references escalation,
  round          integer not null check (round >= 1),
  -- Which of the agency's channels, by its index in the directory, or the supervisors.
  recipient      text not null check (recipient ~ '^(agency:[0-9]{1,2}|supervisors)$'),
  due_at         timestamptz not null,
  sent_at        timestamptz,
  failure        text check (length(failure) <= 500),
  unique (escalation_id, round, recipient)
);

create index escalation_alert_unsent on escalation_alert (due_at) where sent_at is null;
