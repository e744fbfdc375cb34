-- Accounts that an administrator manages: a password an administrator set (the first administrator's, a new
-- user's, a reset) is one-time and must be replaced at the next sign-in; the list shows each user's last sign-in.
alter table app_user add column must_change_password boolean not null default false;
alter table app_user add column last_sign_in_at timestamptz;
alter table app_user add column updated_at timestamptz;

-- An account change's before and after ({"role": {"before": "OPERATOR", "after": "SUPERVISOR"}}), next to the
-- audit row's list of fields. Never a password or its hash: a password change says only that it happened.
alter table audit_log add column changes jsonb;
