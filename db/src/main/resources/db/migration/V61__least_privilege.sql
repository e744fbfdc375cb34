-- Issue 21, item 1: least privilege. The role that runs these migrations owns the schema; the application connects
-- as another role, ${application_role} (Flyway placeholder, hotline.database.application-role), which owns nothing
-- and may only read and write rows: no DDL, and on the evidence tables (the call timelines, the audit trail, the
-- case histories, consent answers, sign-in events, offline contacts) only INSERT and SELECT. PostgreSQL itself
-- refuses the rest (LeastPrivilegeTest), whatever a bug or an attacker in the application tries.

-- The production DBA creates the role with LOGIN and a password (docs/operations.md, "Database roles"); the
-- embedded run creates it before Flyway starts. A superuser's migration without it (the build's code generation, a
-- throw-away test database) makes one that cannot log in, so that the grants below have a grantee.
do $$
begin
  if '${application_role}' = current_user then
    raise exception 'the application role (%) must not be the role that runs the migrations: %',
      '${application_role}', 'give Flyway the owner (spring.flyway.user), the application its own role';
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = '${application_role}') then
    begin
      create role ${application_role} nologin;
    exception when insufficient_privilege then
      raise exception 'the application role % does not exist: create it first (%)', '${application_role}',
        'docs/operations.md, "Database roles"';
    end;
  end if;
end $$;

grant usage on schema hotline to ${application_role};
grant select, insert, update, delete on all tables in schema hotline to ${application_role};
grant usage, select on all sequences in schema hotline to ${application_role};
-- Tables of later migrations (run by this same owner) are the application's to read and write too; a later
-- append-only table revokes UPDATE and DELETE explicitly, as below, and gets the same guards.
alter default privileges in schema hotline grant select, insert, update, delete on tables to ${application_role};
alter default privileges in schema hotline grant usage, select on sequences to ${application_role};

-- Evidence: written once, never changed.
revoke update, delete, truncate on call_event, audit_log, case_event, case_consent_answer, sign_in_event,
  offline_contact from ${application_role};
-- Export requests are decided (an UPDATE the guard of V9 checks) but never deleted.
revoke delete, truncate on export_request from ${application_role};
-- Flyway's own record: the application only reads it (the status page's schema version).
revoke insert, update, delete, truncate on flyway_schema_history from ${application_role};

-- The append-only triggers now also refuse TRUNCATE (a statement-level trigger: the row triggers never see it), and
-- all of them fire ALWAYS, so that session_replication_role = replica (which skips ordinary triggers) does not
-- switch them off. The one way past them is the break-glass procedure (docs/operations.md): the schema's owner (or a
-- superuser) in a transaction with SET LOCAL hotline.break_glass = 'on'. Any role may set a custom setting like
-- that one, so the setting alone is not enough: the role must be a member of the table's owner, which the
-- application's role is not. Every change let through says so in PostgreSQL's log (a WARNING).
create or replace function forbid_change() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('hotline.break_glass', true), '') = 'on'
      and pg_catalog.pg_has_role(current_user,
            (select c.relowner from pg_catalog.pg_class c where c.oid = tg_relid), 'MEMBER') then
    raise warning 'break-glass: % of %.% by %', tg_op, tg_table_schema, tg_table_name, current_user;
    if tg_level = 'STATEMENT' then
      return null;
    elsif tg_op = 'DELETE' then
      return old;
    end if;
    return new;
  end if;
  raise exception '% is append-only', tg_table_name using errcode = '42501';
end $$;

create trigger call_event_no_truncate before truncate on call_event
  for each statement execute function forbid_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function forbid_change();
create trigger case_event_no_truncate before truncate on case_event
  for each statement execute function forbid_change();
create trigger case_consent_answer_no_truncate before truncate on case_consent_answer
  for each statement execute function forbid_change();
create trigger sign_in_event_no_truncate before truncate on sign_in_event
  for each statement execute function forbid_change();
create trigger offline_contact_no_truncate before truncate on offline_contact
  for each statement execute function forbid_change();
create trigger export_request_no_truncate before truncate on export_request
  for each statement execute function forbid_change();

alter table call_event enable always trigger call_event_append_only;
alter table call_event enable always trigger call_event_no_truncate;
alter table audit_log enable always trigger audit_log_append_only;
alter table audit_log enable always trigger audit_log_no_truncate;
alter table case_event enable always trigger case_event_append_only;
alter table case_event enable always trigger case_event_no_truncate;
alter table case_consent_answer enable always trigger case_consent_answer_append_only;
alter table case_consent_answer enable always trigger case_consent_answer_no_truncate;
alter table sign_in_event enable always trigger sign_in_event_append_only;
alter table sign_in_event enable always trigger sign_in_event_no_truncate;
alter table offline_contact enable always trigger offline_contact_append_only;
alter table offline_contact enable always trigger offline_contact_no_truncate;
alter table export_request enable always trigger export_request_guard;
alter table export_request enable always trigger export_request_no_truncate;
