-- Issue 17 for the case registry, as V29 did for the hotline form: no word is lost, and none sits in the browser.
-- Text a data manager typed that the standard format refused (markup, out of range, too long) is kept with the case,
-- encrypted like the personal fields and bound to the case's row (one AES-GCM JSON object: field -> the text and why
-- it was not accepted), so that a reload shows it back with its message. It is never one of the case's values: no
-- export, statistic or merge reads it, and an accepted save of the field clears it.
ALTER TABLE registry_case ADD COLUMN refused_enc bytea;
