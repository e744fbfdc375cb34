-- Issue 18, item 5: a contact that never came through the phone system (a walk-in, the backup phone during an
-- outage, a letter, an e-mail). Its call row (direction OFFLINE, provider 'offline') carries the timeline; this row
-- says how it came and who did what: who took the contact and who entered it (a supervisor may enter it for the
-- operator who took it), so the call log and the statistics count it apart and name both people.
create table offline_contact (
  call_id     uuid primary key references call,
  channel     text not null check (channel in ('WALK_IN', 'BACKUP_PHONE', 'LETTER', 'EMAIL')),
  taken_by    bigint not null references app_user,
  entered_by  bigint not null references app_user,
  entered_at  timestamptz not null
);
create index offline_contact_by_channel on offline_contact (channel);

-- Who took and who entered a contact is evidence, like the call's own timeline.
create trigger offline_contact_append_only before update or delete on offline_contact
  for each row execute function forbid_change();
