-- The audit chain (V62) is evidence as the trail is (V61): the application's role appends to it and reads it, and
-- nothing else; TRUNCATE is refused as on the other evidence tables, and the triggers fire ALWAYS, so replication
-- mode does not switch them off. The queue of rows waiting for the sealer (audit_unsealed) stays the application's
-- to empty: a row taken from it unsealed is named by the verification.
revoke update, delete, truncate on audit_seal from ${application_role};
create trigger audit_seal_no_truncate before truncate on audit_seal
  for each statement execute function forbid_change();
alter table audit_seal enable always trigger audit_seal_append_only;
alter table audit_seal enable always trigger audit_seal_no_truncate;
alter table audit_log enable always trigger audit_log_to_seal;
