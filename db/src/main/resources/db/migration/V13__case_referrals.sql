-- A victim under 18 is referred to child protection whichever channel brought the case: an online report or a
-- public agent's screening form has no call and no hotline report, so an escalation may be about a case.
alter table escalation add column case_id uuid references registry_case;
do $$
declare
  old_check text;
begin
  select conname into old_check from pg_constraint
   where conrelid = 'escalation'::regclass and contype = 'c'
     and pg_get_constraintdef(oid) like '%call_id IS NOT NULL%report_id IS NOT NULL%';
  execute format('alter table escalation drop constraint %I', old_check);
end $$;
alter table escalation add constraint escalation_about_something
  check (num_nonnulls(call_id, report_id, case_id) >= 1);
-- Once per case and agency, however often the case's facts are saved.
create unique index escalation_rule_once_per_case on escalation (case_id, agency) where source = 'RULE';
