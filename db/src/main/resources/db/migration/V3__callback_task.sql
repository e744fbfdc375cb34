-- Work for a person: call this caller back. Created when a caller could not be answered and left a message
-- (today: the Twilio fallback's voicemail). One per call and reason, so a provider's retried webhook cannot
-- create two.
create table callback_task (
  id          uuid primary key,
  call_id     uuid not null references call,
  reason      text not null check (reason in ('VOICEMAIL')),
  -- AES-GCM ciphertext of the provider's reference to the recording (the recording is the caller's voice).
  recording_enc bytea,
  created_at  timestamptz not null,
  done_at     timestamptz,
  unique (call_id, reason)
);

create index callback_task_open on callback_task (created_at) where done_at is null;
