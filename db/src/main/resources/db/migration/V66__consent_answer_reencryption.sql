-- A key rotation (V64, protection.rotation) re-encrypts every ciphertext under the new key, and one of them lies in
-- an evidence table: who asked a consent question (case_consent_answer.asked_by_enc, V19). Left under the old key,
-- it would keep that key in use for ever. So the application's role may change that column alone, and the
-- append-only guard lets an UPDATE through only when nothing else of the row changes and the ciphertext moves to
-- another key. Its header names the key (0x01, the id's length, the id: FieldCipher), so the database can tell a
-- re-encryption from a rewrite under the same key; what it cannot tell is whether the new ciphertext says the same
-- name, which only the keys can (each batch is an audit row, docs/operations.md, Keys).
grant update (asked_by_enc) on case_consent_answer to ${application_role};

create function consent_answer_reencrypted(old_enc bytea, new_enc bytea) returns boolean
  language sql immutable as $$
    select octet_length(old_enc) > 2 and octet_length(new_enc) > 2
       and get_byte(old_enc, 0) = 1 and get_byte(new_enc, 0) = 1
       and substring(old_enc from 3 for get_byte(old_enc, 1)) <> substring(new_enc from 3 for get_byte(new_enc, 1))
  $$;

drop trigger case_consent_answer_append_only on case_consent_answer;
create trigger case_consent_answer_no_delete before delete on case_consent_answer
  for each row execute function forbid_change();
create trigger case_consent_answer_append_only before update on case_consent_answer
  for each row when (not (
    (new.id, new.case_id, new.question, new.answer, new.asked_on, new.recorded_by, new.recorded_at, new.merged_from)
      is not distinct from
    (old.id, old.case_id, old.question, old.answer, old.asked_on, old.recorded_by, old.recorded_at, old.merged_from)
    and consent_answer_reencrypted(old.asked_by_enc, new.asked_by_enc)))
  execute function forbid_change();
alter table case_consent_answer enable always trigger case_consent_answer_no_delete;
alter table case_consent_answer enable always trigger case_consent_answer_append_only;
