-- Issue 17, the hotline registering form: no word is lost and no tab overwrites another.
-- Text the form refused (markup, too long, out of range) is kept with the draft, encrypted like the personal fields
-- (one AES-GCM JSON object: field -> the text and why it was not accepted), so that a reload shows it back with its
-- message instead of an empty field. It is never part of the report: submitting waits until each is corrected.
alter table hotline_report add column refused_enc bytea;
-- The version of each field (field -> number of accepted changes): a save made from a stale copy of one field
-- (a second tab) is refused with the value now stored, while saves of other fields go on.
alter table hotline_report add column field_versions jsonb not null default '{}'::jsonb;
