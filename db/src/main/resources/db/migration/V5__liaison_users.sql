-- Liaison users work for an agency of the directory (police, child protection): they see and acknowledge the
-- escalations addressed to their agency, and nothing else. Their agency is part of who they are.
alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check
  check (role in ('OPERATOR', 'SUPERVISOR', 'DATA_MANAGER', 'ADMIN', 'LIAISON'));
alter table app_user add column agency text check (agency ~ '^[a-z0-9-]{2,40}$');
alter table app_user add constraint app_user_liaison_agency check ((role = 'LIAISON') = (agency is not null));
