-- Issue 19: two nodes must not send one alert twice. A node claims an unsent alert for a while before it sends
-- it (claimed with SKIP LOCKED, so two nodes claim different rows); the other node leaves a claimed row alone until
-- the claim runs out. A node that dies mid-send leaves its claim to run out, and the next leader sends the alert
-- again: at least once (docs/reliability.md). An older node that knows nothing of claims keeps working as before.
alter table escalation_alert add column claimed_until timestamptz;
alter table escalation_alert add column claimed_by text check (length(claimed_by) <= 200);
