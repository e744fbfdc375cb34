-- The task force's case registry: the IOM "standard format to register information about a human trafficking
-- situation" (sections A-E and the consent questions 1.1-1.5), fed by three channels: hotline reports, the public
-- online form and public agents' screening forms. One case per situation, every source report linked to it, its
-- whole history kept.

alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check
  check (role in ('OPERATOR', 'SUPERVISOR', 'DATA_MANAGER', 'DATA_MANAGEMENT_LEADER', 'ADMIN', 'LIAISON',
                  'AGENCY_REPORTER'));

-- Human-readable case numbers (C-2026-000042): what people say on the phone and write in letters.
create sequence registry_case_number;

create table registry_case (
  id                 uuid primary key,
  reference          text not null unique check (reference ~ '^C-[0-9]{4}-[0-9]{6,}$'),
  status             text not null check (status in ('POTENTIAL', 'UNDER_ASSESSMENT', 'CONFIRMED_VICTIM',
                                                     'NOT_A_VICTIM', 'REFERRED', 'CLOSED')),
  assigned_to        bigint references app_user,
  -- Statistical and matching fields, typed: statistics group by them, duplicates are searched by them.
  sex                text check (sex in ('FEMALE', 'MALE', 'TRANSGENDER_FEMALE', 'TRANSGENDER_MALE', 'UNKNOWN')),
  age                smallint check (age between 0 and 120),
  country_of_birth   text check (country_of_birth ~ '^[A-Z]{2}$'),
  citizenship        text check (citizenship ~ '^[A-Z]{2}$'),
  place              text check (length(place) <= 60),
  period_from        date,
  period_to          date,
  exploitation_types text[] not null default '{}' check (exploitation_types <@ array[
                       'SEXUAL_EXPLOITATION', 'PORNOGRAPHY', 'ONLINE_SEXUAL_EXPLOITATION', 'LABOUR',
                       'DOMESTIC_LABOUR', 'FORCED_MARRIAGE', 'CHILD_LABOUR', 'BEGGING', 'STREET_SELLING', 'OTHER']),
  minor_at_entry     boolean,
  -- E.18 and E.20: the victim-of-trafficking decision and the kind of trafficking.
  vot_decision       text check (vot_decision in ('YES', 'NO')),
  trafficking_scope  text check (trafficking_scope in ('IN_COUNTRY', 'TRANSNATIONAL', 'BOTH')),
  -- The rest of sections B-E that names no one (codes, yes/no, dates), by field name of the form version.
  details            jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object'),
  -- Names, dates of birth, documents, addresses, interviewers, free text about people: one AES-GCM JSON object.
  personal_enc       bytea,
  form_version       integer not null check (form_version >= 1),
  -- A case merged into another is closed and points at the one that carries on; both histories stay.
  merged_into        uuid references registry_case,
  version            integer not null default 0,
  created_at         timestamptz not null,
  updated_at         timestamptz not null,
  check (merged_into is null or status = 'CLOSED'),
  check (merged_into is null or merged_into <> id),
  check (period_to is null or period_from is null or period_to >= period_from)
);
create index registry_case_by_status on registry_case (status, created_at desc);
create index registry_case_by_assignee on registry_case (assigned_to, status);
create index registry_case_matching on registry_case (place, period_from) where merged_into is null;

-- Everything that happened to a case, in order: created from a channel, status changes, assignments, sources
-- linked, merges, consent answers, documents. Who and when, never personal data in the detail.
create table case_event (
  case_id   uuid not null references registry_case,
  seq       integer not null check (seq >= 1),
  type      text not null check (type in ('CREATED', 'STATUS', 'ASSIGNED', 'SOURCE_LINKED', 'MERGED_FROM',
                                          'MERGED_INTO', 'CHANGED', 'CONSENT', 'DOCUMENT')),
  at        timestamptz not null,
  actor     bigint references app_user,
  detail    jsonb not null default '{}'::jsonb,
  primary key (case_id, seq)
);
create trigger case_event_append_only before update or delete on case_event
  for each row execute function forbid_change();

-- The informed-consent questions 1.1-1.5 of the seed: the latest answer, who asked and when (history: case_event).
create table case_consent (
  case_id     uuid not null references registry_case,
  question    text not null check (question in ('1.1', '1.2', '1.3', '1.4', '1.5')),
  answer      boolean not null,
  asked_by    text not null check (length(asked_by) between 1 and 120),
  asked_on    date not null,
  recorded_by bigint not null references app_user,
  recorded_at timestamptz not null,
  primary key (case_id, question)
);

-- The public online reporting form (non-urgent; may be anonymous). The reporter keeps the reference.
create table online_report (
  id                  uuid primary key,
  reference           text not null unique check (reference ~ '^R-[A-Z0-9]{4}-[A-Z0-9]{4}$'),
  language            text not null check (language ~ '^[a-z]{2,3}$'),
  trafficking_types   text[] not null default '{}' check (trafficking_types <@ array[
                        'SEXUAL_EXPLOITATION', 'PORNOGRAPHY', 'ONLINE_SEXUAL_EXPLOITATION', 'LABOUR',
                        'DOMESTIC_LABOUR', 'FORCED_MARRIAGE', 'CHILD_LABOUR', 'BEGGING', 'STREET_SELLING', 'OTHER']),
  victim_origin       text check (victim_origin in ('NATIONAL', 'FOREIGNER')),
  victim_country      text check (victim_country ~ '^[A-Z]{2}$'),
  place               text check (length(place) <= 60),
  incident_date       date,
  victim_descriptors  text[] not null default '{}' check (victim_descriptors <@ array[
                        'FEMALE', 'MALE', 'TRANSGENDER_MALE', 'TRANSGENDER_FEMALE', 'UNDER_18', 'OVER_18',
                        'INDIVIDUAL_ALONE', 'GROUP_OF_PEOPLE', 'FAMILY', 'NATIONAL', 'FOREIGNER']),
  anonymous           boolean not null,
  reporter_sex        text check (reporter_sex in ('FEMALE', 'MALE')),
  contact_consent     boolean not null,
  reported_before     boolean,
  reported_on         date,
  -- Descriptions, trafficker information, locality, contact details, the agency reported to: encrypted.
  personal_enc        bytea,
  submitted_at        timestamptz not null,
  check (not (anonymous and contact_consent))
);

-- The screening form of public agents (police, immigration, health, schools): submitted by an agency reporter
-- account; the agent keeps no paper and sees a receipt, not the data.
create table screening_report (
  id                       uuid primary key,
  reference                text not null unique check (reference ~ '^S-[A-Z0-9]{4}-[A-Z0-9]{4}$'),
  reporter_id              bigint not null references app_user,
  situation                text check (situation in ('OCCURRED', 'POTENTIAL')),
  period_from              date,
  period_to                date,
  place                    text check (length(place) <= 60),
  registered_on            date,
  victim_sex               text check (victim_sex in ('FEMALE', 'MALE', 'TRANSGENDER_FEMALE', 'TRANSGENDER_MALE',
                                                      'UNKNOWN')),
  victim_age               smallint check (victim_age between 0 and 120),
  victim_country_of_birth  text check (victim_country_of_birth ~ '^[A-Z]{2}$'),
  trafficking_types        text[] not null default '{}' check (trafficking_types <@ array[
                             'SEXUAL_EXPLOITATION', 'PORNOGRAPHY', 'ONLINE_SEXUAL_EXPLOITATION', 'LABOUR',
                             'DOMESTIC_LABOUR', 'FORCED_MARRIAGE', 'CHILD_LABOUR', 'BEGGING', 'STREET_SELLING',
                             'OTHER']),
  reported_to              text check (reported_to in ('NO_REPORT', 'NTF', 'POLICE', 'OTHER_AGENCY')),
  reported_on              date,
  -- Location detail, ethnicity, the exploitation described, the agent's name, post and agency: encrypted.
  personal_enc             bytea,
  submitted_at             timestamptz not null,
  check (period_to is null or period_from is null or period_to >= period_from)
);

-- Which reports a case is made of. A report belongs to one case at a time; merging moves the links.
create table case_source (
  case_id              uuid not null references registry_case,
  hotline_report_id    uuid unique references hotline_report,
  online_report_id     uuid unique references online_report,
  screening_report_id  uuid unique references screening_report,
  linked_at            timestamptz not null,
  linked_by            bigint references app_user,
  check (num_nonnulls(hotline_report_id, online_report_id, screening_report_id) = 1)
);
create index case_source_by_case on case_source (case_id);
