-- Issue 21 C, who read what: the audit trail gets readers. Expand-only: a wider role check and indexes.

-- The auditor reads the trail (who read, created, changed or exported what, and the sign-ins) and nothing else: no
-- case, no call, no report. The data management leader reads it too; administrators do not (they manage the
-- accounts whose use the trail records).
alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check
  check (role in ('OPERATOR', 'SUPERVISOR', 'DATA_MANAGER', 'DATA_MANAGEMENT_LEADER', 'ADMIN', 'LIAISON',
                  'AGENCY_REPORTER', 'WALLBOARD', 'AUDITOR'));

-- The trail page reads newest first in pages of a few dozen rows (keyset on at and id), over a log that grows by
-- millions of rows: the whole trail, one person's acts, and one person's sign-ins each walk an index backwards and
-- stop after a page. A record's rows (a case, a call) already have audit_by_entity (entity, entity_id, at).
create index audit_log_by_time on audit_log (at, id);
create index audit_log_by_actor on audit_log (actor, at, id);
create index sign_in_event_by_user on sign_in_event (username, at, id);
-- Exports are rare among millions of reads and changes: walking the time index back to find a page of them would
-- read most of the log. A partial index holds only them, and costs nothing on the other writes.
create index audit_log_exports on audit_log (at, id) where action = 'EXPORT';
