-- Exports of identifying case data need two people: a data manager asks (which cases, for what purpose, for whom),
-- a data management leader who is not the one asking approves or rejects, and only then may the person who asked
-- download it, until it expires and at most a set number of times. Every download writes one EXPORT row per case
-- to audit_log in the same transaction. Non-identifying exports need no request: they leave no person behind.

create table export_request (
  id            uuid primary key,
  requested_by  bigint not null references app_user,
  requested_at  timestamptz not null,
  purpose       text not null check (length(purpose) between 10 and 1000),
  recipient     text not null check (length(recipient) between 2 and 200),
  -- What the leader approves is exactly this list, fixed at request time.
  case_ids      uuid[] not null check (cardinality(case_ids) between 1 and 500),
  status        text not null check (status in ('PENDING', 'APPROVED', 'REJECTED')),
  decided_by    bigint references app_user,
  decided_at    timestamptz,
  decision_note text check (length(decision_note) <= 1000),
  expires_at    timestamptz,
  max_downloads smallint not null check (max_downloads between 1 and 20),
  downloads     smallint not null default 0,
  version       integer not null default 0,
  check ((status = 'PENDING') = (decided_by is null)),
  check ((decided_by is null) = (decided_at is null)),
  -- The four-eyes rule, kept by the database too: nobody decides their own request.
  check (decided_by is null or decided_by <> requested_by),
  check ((status = 'APPROVED') = (expires_at is not null)),
  check (downloads between 0 and max_downloads),
  check (status = 'APPROVED' or downloads = 0)
);
create index export_request_by_status on export_request (status, requested_at desc);
create index export_request_by_requester on export_request (requested_by, requested_at desc);

-- Defence in depth for the same rule: the decider must be an enabled data management leader, a decision is final,
-- what was asked for never changes, and requests are never deleted (they are the record of who released what).
-- "from current": the schema the migration runs in, whatever search_path the connection firing it has.
create function export_request_guard() returns trigger language plpgsql set search_path from current as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'export requests are kept' using errcode = '42501';
  end if;
  if new.decided_by is not null and (tg_op = 'INSERT' or old.decided_by is distinct from new.decided_by)
      and not exists (select 1 from app_user u where u.id = new.decided_by
                        and u.role = 'DATA_MANAGEMENT_LEADER' and u.enabled) then
    raise exception 'only an enabled data management leader decides an export request' using errcode = '42501';
  end if;
  if tg_op = 'UPDATE' then
    if old.status <> 'PENDING' and (new.status <> old.status or new.decided_by is distinct from old.decided_by
        or new.decided_at is distinct from old.decided_at or new.expires_at is distinct from old.expires_at) then
      raise exception 'an export decision is final' using errcode = '42501';
    end if;
    if new.requested_by <> old.requested_by or new.case_ids <> old.case_ids or new.purpose <> old.purpose
        or new.recipient <> old.recipient or new.max_downloads <> old.max_downloads then
      raise exception 'what was asked for cannot change' using errcode = '42501';
    end if;
    if new.downloads < old.downloads then
      raise exception 'downloads only count up' using errcode = '42501';
    end if;
  end if;
  return new;
end $$;
create trigger export_request_guard before insert or update or delete on export_request
  for each row execute function export_request_guard();
