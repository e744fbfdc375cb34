-- An escalation's steps (raised, acknowledged, its outcome, closed) belong in the record of the case it concerns,
-- not only in the call's timeline: a case referred from an online or screening report has no call at all.
alter table case_event drop constraint case_event_type_check;
alter table case_event add constraint case_event_type_check
  check (type in ('CREATED', 'STATUS', 'ASSIGNED', 'SOURCE_LINKED', 'MERGED_FROM', 'MERGED_INTO', 'CHANGED',
                  'CONSENT', 'DOCUMENT', 'ESCALATION'));
