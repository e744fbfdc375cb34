-- An operator's reason for an escalation is free text about people ("the girl at the bar on X street"): personal
-- data, so it is stored encrypted (reason_enc) and leaves only where identifying details may. What every alert
-- says instead is the nature of the danger as a code. reason keeps only the texts the system itself writes (a
-- rule's name, the phone menu's answer), which name no one.
alter table escalation add column danger text not null default 'NOT_STATED'
  check (danger in ('VIOLENCE', 'CONFINEMENT', 'ABOUT_TO_BE_MOVED', 'MEDICAL', 'MINOR_AT_RISK', 'OTHER',
                    'NOT_STATED'));
alter table escalation alter column danger drop default;
alter table escalation add column reason_enc bytea;
alter table escalation alter column reason drop not null;
-- Rows written before this version keep an operator's reason in plain text until the application, which holds
-- the key, encrypts it at its next start (Escalations.encryptPlainReasons); then reason is null for them.
alter table escalation add constraint escalation_reason_kept check (reason is not null or reason_enc is not null);

-- Supervisors are told through channels of their own when an agency misses a deadline (supervisor:<index>).
alter table escalation_alert drop constraint escalation_alert_recipient_check;
alter table escalation_alert add constraint escalation_alert_recipient_check
  check (recipient ~ '^((agency|details|supervisor):[0-9]{1,2}|supervisors)$');
