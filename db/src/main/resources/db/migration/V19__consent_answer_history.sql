-- Every answer to the consent questions 1.1-1.5 is kept, not only the latest: who asked, when, and which case it
-- was first recorded on (a merge carries answers over from the closed case). Who asked is a person's name (an
-- interviewer, a social worker), so like every other name it is encrypted by the application, bound to its row,
-- and shown only to those who may read the case's personal fields. case_consent stays the current answer per
-- question (what identifying exports read) and points at the answer it is.
create table case_consent_answer (
  id            uuid primary key,
  case_id       uuid not null references registry_case,
  question      text not null check (question in ('1.1', '1.2', '1.3', '1.4', '1.5')),
  answer        boolean not null,
  asked_by_enc  bytea not null,
  asked_on      date not null,
  recorded_by   bigint not null references app_user,
  recorded_at   timestamptz not null,
  -- Set on an answer carried over by a merge: the closed case it was recorded on (its own row stays there).
  merged_from   uuid references registry_case,
  check (merged_from is null or merged_from <> case_id)
);
create index case_consent_answer_by_case on case_consent_answer (case_id, recorded_at);
create trigger case_consent_answer_append_only before update or delete on case_consent_answer
  for each row execute function forbid_change();

-- asked_by in clear is left only on rows written before this version, until the application seals them at start
-- (it encrypts each into an answer row and clears the column): the database has no key to do it here.
alter table case_consent add column answer_id uuid references case_consent_answer;
alter table case_consent alter column asked_by drop not null;
alter table case_consent add constraint case_consent_asked_by_sealed_or_legacy
  check ((answer_id is null) <> (asked_by is null));
