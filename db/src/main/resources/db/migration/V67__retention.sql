-- Issue 21, item 5: retention. Records kept past their rule are erased, never by the machine alone: the leading node
-- proposes a batch per rule (which records fall under it now, frozen here), a data management leader approves or
-- rejects it, and only then is each record erased, one transaction per record, re-checked at that moment.

-- Documents get a key of their own (crypto-shredding): the content is sealed with a random AES key that only this row
-- holds, wrapped (FieldCipher) by the key ring's key; destroying the row makes the content unreadable wherever a copy
-- of the content survives. A key rotation re-wraps the key and never touches the content. Documents stored before
-- this version keep their content under the ring's key (content_enc) and are read as before.
create table case_document_key (
  document_id uuid primary key references case_document,
  wrapped_key bytea not null
);
alter table case_document add column content_sealed bytea;
alter table case_document alter column content_enc drop not null;
alter table case_document add constraint case_document_content_once
  check ((content_enc is null) <> (content_sealed is null));

create table retention_batch (
  id            uuid primary key,
  kind          text not null check (kind in ('ABANDONED_CALLS', 'UNSUBMITTED_DRAFTS', 'CLOSED_CASE_DOCUMENTS')),
  -- The rule as configured when the batch was proposed (an ISO-8601 period, P6M): what the leader approves.
  rule_period   text not null check (rule_period ~ '^P[0-9A-Z]+$'),
  cutoff        timestamptz not null,
  record_count  integer not null check (record_count >= 1),
  status        text not null check (status in ('PROPOSED', 'APPROVED', 'REJECTED', 'DONE')),
  proposed_at   timestamptz not null,
  decided_by    bigint references app_user,
  decided_at    timestamptz,
  decision_note text check (length(decision_note) <= 1000),
  erased        integer not null default 0 check (erased >= 0),
  skipped       integer not null default 0 check (skipped >= 0),
  finished_at   timestamptz,
  check ((status = 'PROPOSED') = (decided_by is null)),
  check ((decided_by is null) = (decided_at is null)),
  check (status <> 'REJECTED' or decision_note is not null),
  check ((status = 'DONE') = (finished_at is not null)),
  check (erased + skipped <= record_count)
);
create index retention_batch_by_status on retention_batch (status, proposed_at desc);
-- One open proposal per kind: the next one waits for the leader's answer instead of piling up.
create unique index retention_batch_one_proposed on retention_batch (kind) where status = 'PROPOSED';

-- Which records a batch stands for (call, report or document ids: records, not people), and what became of each.
create table retention_batch_item (
  batch_id  uuid not null references retention_batch,
  record_id uuid not null,
  outcome   text check (outcome in ('ERASED', 'SKIPPED')),
  primary key (batch_id, record_id)
);
create index retention_batch_item_open on retention_batch_item (batch_id) where outcome is null;

-- The decider must be an enabled data management leader, a decision is final, what was proposed never changes.
create function retention_batch_guard() returns trigger language plpgsql set search_path from current as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'retention batches are kept' using errcode = '42501';
  end if;
  if new.decided_by is not null and (tg_op = 'INSERT' or old.decided_by is distinct from new.decided_by)
      and not exists (select 1 from app_user u where u.id = new.decided_by
                        and u.role = 'DATA_MANAGEMENT_LEADER' and u.enabled) then
    raise exception 'only an enabled data management leader decides a retention batch' using errcode = '42501';
  end if;
  if tg_op = 'UPDATE' then
    if old.status <> 'PROPOSED' and (new.decided_by is distinct from old.decided_by
        or new.decided_at is distinct from old.decided_at or new.decision_note is distinct from old.decision_note) then
      raise exception 'a retention decision is final' using errcode = '42501';
    end if;
    if old.status in ('REJECTED', 'DONE') and new.status <> old.status
        or old.status = 'APPROVED' and new.status not in ('APPROVED', 'DONE')
        or old.status = 'PROPOSED' and new.status = 'DONE' then
      raise exception 'a retention batch goes proposed, then approved and done, or rejected' using errcode = '42501';
    end if;
    if new.kind <> old.kind or new.rule_period <> old.rule_period or new.cutoff <> old.cutoff
        or new.record_count <> old.record_count or new.proposed_at <> old.proposed_at then
      raise exception 'what was proposed cannot change' using errcode = '42501';
    end if;
  end if;
  return new;
end $$;
create trigger retention_batch_guard before insert or update or delete on retention_batch
  for each row execute function retention_batch_guard();
alter table retention_batch enable always trigger retention_batch_guard;

-- Least privilege (V61): the default privileges gave the application every right on these new tables. It keeps what
-- retention needs: DELETE on the document keys (the shredding), UPDATE on them (a rotation re-wraps). Batches and
-- their items are the record of what was erased under which rule: decided and counted (UPDATE), never deleted.
revoke delete, truncate on retention_batch, retention_batch_item from ${application_role};
revoke truncate on case_document_key from ${application_role};
