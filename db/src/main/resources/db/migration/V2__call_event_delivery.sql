-- Providers deliver the same report more than once (Twilio retries a webhook it did not get an answer to in
-- time, and may send status callbacks out of order). An event stored from a provider's delivery carries that
-- delivery's key, and the database itself refuses a second event with the same key for the same call: a check
-- in code alone would let two concurrent deliveries both pass.
alter table call_event add column delivery text check (length(delivery) between 1 and 200);

create unique index call_event_delivery on call_event (call_id, delivery) where delivery is not null;
