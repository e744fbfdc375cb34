-- What an alert may carry about people, and what the agency did, back into the call's record.

-- The caller agreed that details identifying them or the victim may go to the agencies that respond. Asked and
-- recorded on the form, like the contact consent; who set it and when is in the audit trail.
alter table hotline_report add column share_consent boolean;
-- How many people are affected, as far as the caller knows: responders plan for it; statistics may use it.
alter table hotline_report add column people_involved smallint check (people_involved between 1 and 999);

-- Why identifying details may go out with an escalation's alerts: the consent recorded on the report, or an
-- override that only a minor victim or an imminent danger allows, with its justification. One decision per
-- escalation; every override is shown to supervisors, and every alert that carried details has an EXPORT audit row.
create table escalation_disclosure (
  escalation_id  uuid primary key references escalation,
  basis          text not null check (basis in ('CONSENT', 'OVERRIDE_MINOR', 'OVERRIDE_IMMINENT_DANGER')),
  justification  text check (length(justification) between 10 and 500),
  decided_by     bigint not null references app_user,
  decided_at     timestamptz not null,
  check ((basis = 'CONSENT') or justification is not null)
);
create index escalation_disclosure_overrides on escalation_disclosure (decided_at desc) where basis <> 'CONSENT';

-- When details are authorised after the first alert went out, the agency gets them at once on the channel of
-- the current round, not at the next deadline ('details:<channel>').
alter table escalation_alert drop constraint escalation_alert_recipient_check;
alter table escalation_alert add constraint escalation_alert_recipient_check
  check (recipient ~ '^((agency|details):[0-9]{1,2}|supervisors)$');

-- The outcome becomes a code everyone involved may see (the call log shows it) and a note that is free text
-- about people, so encrypted like every other such field and read only with an audit row. No installation holds
-- escalations yet (they arrived with V4 in the same release), so the plain column goes without a data move.
alter table escalation drop column outcome;
alter table escalation add column outcome_code text check (outcome_code in (
  'OFFICERS_DISPATCHED', 'VICTIM_REMOVED', 'VICTIM_CONTACTED', 'REFERRED_ON', 'INVESTIGATION_OPENED',
  'NO_ACTION', 'OTHER'));
alter table escalation add column outcome_note_enc bytea;
alter table escalation add constraint escalation_outcome_complete
  check ((outcome_code is null) = (outcome_at is null));

-- Each step of an escalation (raised, acknowledged, outcome, closed) is part of the call's timeline, including
-- steps taken after the call ended; it does not change the call's state.
alter table call_event drop constraint call_event_type_check;
alter table call_event add constraint call_event_type_check
  check (type in ('ARRIVED', 'IVR_ANSWER', 'QUEUED', 'OFFERED', 'RINGING', 'NO_ANSWER', 'ANSWERED', 'ESCALATED',
                  'TRANSFERRED', 'ENDED', 'ABANDONED', 'ESCALATION_STEP'));

-- The caller's "yes, someone is in immediate danger" in the phone menu alerts an agency once per call, however
-- often the provider reports the answer.
create unique index escalation_ivr_once on escalation (call_id, agency) where source = 'IVR';
