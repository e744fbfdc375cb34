-- The hotline's first schema: people who use the system, calls as append-only event lists,
-- the hotline registering form, and the audit trail of personal-data access.
-- Code lists that come from the seed forms are enforced here as well as in the application,
-- so that no path (a bug, a script, a future endpoint) can store a value outside them.

create table app_user (
  id            bigint generated always as identity primary key,
  username      text not null unique check (username ~ '^[a-z0-9._-]{3,40}$'),
  display_name  text not null check (length(display_name) between 1 and 120),
  password_hash text not null,
  role          text not null check (role in ('OPERATOR', 'SUPERVISOR', 'DATA_MANAGER', 'ADMIN')),
  languages     text[] not null default '{}',
  -- Where the telephony adapter rings this operator (PJSIP/101, client:op1, +1...); null: the simulated line.
  endpoint      text,
  enabled       boolean not null default true,
  created_at    timestamptz not null default now()
);

create table call (
  id                uuid primary key,
  provider          text not null check (provider ~ '^[a-z]{2,20}$'),
  provider_call_id  text not null check (length(provider_call_id) between 1 and 128),
  -- AES-GCM ciphertext with its key id; null when the number was withheld.
  caller_number_enc bytea,
  -- HMAC of the normalised number, for repeat-caller matching without decrypting.
  caller_hash       bytea,
  caller_mask       text not null,
  dialled_number    text not null check (length(dialled_number) between 1 and 40),
  arrived_at        timestamptz not null,
  -- Projection of call_event, rewritten in the same transaction as each appended event
  -- so the call log can page over 100,000 calls without folding every timeline.
  state             text not null check (state in ('IVR', 'QUEUED', 'RINGING', 'TALKING', 'ENDED')),
  language          text,
  urgent            boolean not null default false,
  caller_type       text check (caller_type in ('AFFECTED_PERSON', 'SOMEONE_ELSE', 'PROFESSIONAL')),
  callback_safe     boolean,
  queued_at         timestamptz,
  answered_at       timestamptz,
  ended_at          timestamptz,
  operator_id       bigint references app_user,
  outcome           text check (outcome in ('COMPLETED', 'ABANDONED_IN_IVR', 'ABANDONED_IN_QUEUE',
                                            'ABANDONED_RINGING', 'TRANSFERRED', 'LOST')),
  last_seq          integer not null,
  unique (provider, provider_call_id),
  check ((state = 'ENDED') = (ended_at is not null)),
  check ((state = 'ENDED') = (outcome is not null))
);
create index call_by_arrival on call (arrived_at desc, id desc);
create index call_by_operator on call (operator_id, arrived_at desc, id desc);
create index call_by_outcome on call (outcome, arrived_at desc, id desc);
create index call_by_caller on call (caller_hash);
create index call_live on call (state) where state <> 'ENDED';

create table call_event (
  call_id     uuid not null references call,
  seq         integer not null check (seq >= 1),
  type        text not null check (type in ('ARRIVED', 'IVR_ANSWER', 'QUEUED', 'OFFERED', 'RINGING',
                                            'NO_ANSWER', 'ANSWERED', 'ESCALATED', 'TRANSFERRED',
                                            'ENDED', 'ABANDONED')),
  at          timestamptz not null,
  operator_id bigint references app_user,
  detail      jsonb not null default '{}'::jsonb,
  primary key (call_id, seq)
);

create table hotline_report (
  id                       uuid primary key,
  call_id                  uuid not null unique references call,
  operator_id              bigint not null references app_user,
  status                   text not null check (status in ('DRAFT', 'SUBMITTED')),
  version                  integer not null default 0,
  -- Statistical fields: typed, because statistics and routing group by them.
  situation                text check (situation in ('OCCURRED', 'POTENTIAL')),
  period_from              date,
  period_to                date,
  place                    text check (length(place) <= 60),
  registered_on            date,
  victim_sex               text check (victim_sex in ('FEMALE', 'MALE', 'TRANSGENDER_FEMALE', 'TRANSGENDER_MALE', 'UNKNOWN')),
  victim_age               smallint check (victim_age between 0 and 120),
  victim_country_of_birth  text check (victim_country_of_birth ~ '^[A-Z]{2}$'),
  victim_descriptors       text[] not null default '{}' check (victim_descriptors <@ array[
                             'TRANSGENDER_MALE', 'TRANSGENDER_FEMALE', 'INDIVIDUAL_ALONE', 'GROUP_OF_PEOPLE',
                             'FAMILY', 'NATIONAL', 'FOREIGNER']),
  trafficking_types        text[] not null default '{}' check (trafficking_types <@ array[
                             'SEXUAL_EXPLOITATION', 'PORNOGRAPHY', 'ONLINE_SEXUAL_EXPLOITATION', 'LABOUR',
                             'DOMESTIC_LABOUR', 'FORCED_MARRIAGE', 'CHILD_LABOUR', 'BEGGING', 'STREET_SELLING',
                             'OTHER']),
  reported_to              text check (reported_to in ('NO_REPORT', 'NTF', 'POLICE', 'OTHER_AGENCY')),
  anonymous                boolean,
  caller_sex               text check (caller_sex in ('FEMALE', 'MALE')),
  contact_consent          boolean,
  -- Every personal or free-text field, as one AES-GCM encrypted JSON object.
  personal_enc             bytea,
  created_at               timestamptz not null,
  updated_at               timestamptz not null,
  submitted_at             timestamptz,
  check ((status = 'SUBMITTED') = (submitted_at is not null)),
  check (period_to is null or period_from is null or period_to >= period_from)
);

create table audit_log (
  id        bigint generated always as identity primary key,
  at        timestamptz not null default clock_timestamp(),
  actor     text not null,
  action    text not null check (action in ('READ', 'CREATE', 'CHANGE', 'EXPORT')),
  entity    text not null,
  entity_id text not null,
  fields    text[] not null default '{}'
);
create index audit_by_entity on audit_log (entity, entity_id, at);

-- A call's history and the audit trail are evidence: once written they never change.
create function forbid_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = '42501';
end $$;
create trigger call_event_append_only before update or delete on call_event
  for each row execute function forbid_change();
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function forbid_change();
