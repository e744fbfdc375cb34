package org.tiphotline.protection.rotation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.tiphotline.protection.FieldCipher;

/**
 * Every column that holds {@link FieldCipher} ciphertext, with how its rows are named in the associated data, so a
 * rotation can read each row and write it back bound to the same place. A test compares this list with the schema:
 * a new encrypted column that is not listed here fails the build instead of keeping an old key alive.
 */
@Component
public class EncryptedColumns {

    /**
     * One encrypted column. {@code boundPrefix} plus the row's id (as PostgreSQL prints it) is what the code that
     * writes the column binds the ciphertext to; {@code idType} is the id column's SQL type.
     */
    public record Column(String table, String column, String idColumn, String idType, String boundPrefix) {

        public String name() {
            return table + "." + column;
        }

        String qualifiedTable() {
            return "hotline." + table;
        }
    }

    public static final List<Column> ALL = List.of(
            new Column("call", "caller_number_enc", "id", "uuid", "call.caller_number:"),
            new Column("hotline_report", "personal_enc", "id", "uuid", "hotline_report.personal:"),
            new Column("hotline_report", "refused_enc", "id", "uuid", "hotline_report.refused:"),
            new Column("online_report", "personal_enc", "id", "uuid", "online_report.personal:"),
            new Column("screening_report", "personal_enc", "id", "uuid", "screening_report.personal:"),
            new Column("registry_case", "personal_enc", "id", "uuid", "registry_case.personal:"),
            new Column("registry_case", "refused_enc", "id", "uuid", "registry_case.refused:"),
            new Column("case_consent_answer", "asked_by_enc", "id", "uuid", "case_consent_answer.asked_by:"),
            new Column("case_document", "content_enc", "id", "uuid", "case_document.content:"),
            // A document's own key, wrapped: a rotation re-wraps it and never reads the content it seals.
            new Column("case_document_key", "wrapped_key", "document_id", "uuid", "case_document_key.wrapped_key:"),
            new Column("escalation", "reason_enc", "id", "uuid", "escalation.reason:"),
            new Column("escalation", "outcome_note_enc", "id", "uuid", "escalation.outcome_note:"),
            new Column("callback_task", "recording_enc", "id", "uuid", "callback_task.recording:"),
            new Column("caller_flag", "note_enc", "id", "uuid", "caller_flag.note:"),
            new Column("totp_factor", "secret", "user_id", "bigint", "totp_factor.secret:"),
            new Column("idempotent_request", "response_enc", "key_hash", "text", "idempotent_request.response:"),
            new Column("twilio_callback_dial", "number_enc", "call_ref", "text", "twilio_callback_dial.number_enc:"),
            new Column("asterisk_command", "number_enc", "id", "uuid", "asterisk_command.number:"));

    private final DSLContext db;

    public EncryptedColumns(DSLContext db) {
        this.db = db;
    }

    /**
     * How many rows of each column are under each key id (rows whose bytes name no key in this format count under
     * {@code "?"}). Reads every row's first bytes: a few hundred milliseconds over a million rows, no key needed.
     */
    public Map<Column, Map<String, Long>> keyUse() {
        Map<Column, Map<String, Long>> use = new LinkedHashMap<>();
        for (Column c : ALL) {
            Map<String, Long> byKey = new LinkedHashMap<>();
            // Format byte 1, then the id's length, then the id (FieldCipher's layout). Only substrings of the value:
            // PostgreSQL then reads the first chunk of a large document, not all of it (get_byte on the whole
            // value would).
            String col = c.column();
            db.fetch("select case when substring(" + col + " from 1 for 1) = decode('01', 'hex') and length(" + col
                            + ") > 2 then convert_from(substring(" + col + " from 3 for get_byte(substring(" + col
                            + " from 2 for 1), 0)), 'SQL_ASCII') else '?' end as key_id, count(*) as n from "
                            + c.qualifiedTable() + " where " + col + " is not null group by 1")
                    .forEach(r -> byKey.put(r.get("key_id", String.class), r.get("n", Long.class)));
            use.put(c, byKey);
        }
        return use;
    }
}
