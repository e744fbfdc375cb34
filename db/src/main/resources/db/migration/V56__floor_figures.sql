-- Issue 20: the supervisors' floor. Its figures are recomputed from the database on every burst of call events
-- (both nodes publish them), so the calls of an interval must be found by an index range, never a scan of call.
-- A call counts in the interval in which it reached the queue: index its queueing time (set once, by QUEUED).
-- Calls abandoned in the IVR count by arrival and use call_by_arrival.
create index call_by_queued on call (queued_at) where queued_at is not null;

-- The escalations raised in an interval.
create index escalation_by_raised on escalation (raised_at);

-- The first acknowledgement deadline as it stood when the escalation was raised (the agency's own or the hotline's):
-- "acknowledged within its deadline" must not change when the configuration does, and next_alert_at is cleared on
-- acknowledgement. Null for escalations raised before this version or by an older node during a rolling upgrade;
-- the floor then judges them by their alert rounds (acknowledged before a second round went out = in time).
alter table escalation add column acknowledge_deadline timestamptz;
