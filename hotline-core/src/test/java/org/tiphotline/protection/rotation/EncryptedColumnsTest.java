package org.tiphotline.protection.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.tiphotline.testing.TestDatabase;

/** The rotation's list of encrypted columns against the schema: a column left off would keep an old key alive. */
class EncryptedColumnsTest {

    /** Binary columns that hold no {@code FieldCipher} ciphertext, and why. */
    private static final Map<String, String> NOT_CIPHERTEXT = Map.ofEntries(
            Map.entry("call.caller_hash", "a keyed hash, moved by CallerHashRotation"),
            Map.entry("caller_flag.caller_hash", "a keyed hash, moved by CallerHashRotation"),
            Map.entry("callback_task.caller_hash", "a keyed hash, moved by CallerHashRotation"),
            Map.entry("callback_refusal.caller_hash", "a keyed hash, moved by CallerHashRotation"),
            Map.entry("user_credentials.public_key", "a passkey's public key"),
            Map.entry("user_credentials.attestation_object", "what the authenticator sent at enrolment, public"),
            Map.entry("user_credentials.attestation_client_data_json", "what the browser sent at enrolment, public"),
            Map.entry("spring_session_attributes.attribute_bytes",
                    "the HTTP session's serialised attributes (no personal data)"),
            Map.entry("case_document.content_sealed", "under the document's own key, which "
                    + "case_document_key.wrapped_key holds (listed): a rotation re-wraps that key, not the content"),
            Map.entry("audit_log.nonce", "the audit row's random nonce, not secret"),
            Map.entry("audit_log.mac", "the audit row's HMAC under the audit key, never rotated with the data keys"),
            Map.entry("audit_seal.row_mac", "a copy of the sealed row's HMAC"),
            Map.entry("audit_seal.prev_hash", "the chain's previous link (HMAC under the audit key)"),
            Map.entry("audit_seal.chain_hash", "the chain's link (HMAC under the audit key)"));

    @Test
    void everyBinaryColumnOfTheSchemaIsListedAsCiphertextOrSaysWhyNot() {
        Set<String> binary = DSL.using(TestDatabase.get().dataSource(), org.jooq.SQLDialect.POSTGRES)
                .fetch("select table_name || '.' || column_name as name from information_schema.columns "
                        + "where table_schema = 'hotline' and data_type = 'bytea'")
                .stream().map(r -> r.get("name", String.class)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = EncryptedColumns.ALL.stream().map(EncryptedColumns.Column::name)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> accounted = new TreeSet<>(listed);
        accounted.addAll(NOT_CIPHERTEXT.keySet());
        assertThat(binary).as("binary columns neither listed as ciphertext nor explained")
                .isSubsetOf(accounted);
        assertThat(listed).as("listed columns the schema does not have").isSubsetOf(binary);
    }
}
