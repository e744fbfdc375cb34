package org.tiphotline.protection.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_REFUSAL;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.tiphotline.calllog.CallLog;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;

/**
 * The rotations step by step: the AES walk stopped half-way (a restart, a lost lead) resumes from what the rows
 * say; the hash key's rotation keeps repeat-caller matching working before, during and after it.
 */
class KeyRotationTest {

    /** Fictional numbers (Ofcom keeps 07700 900xxx for drama), apart from the 555 numbers the fixture seeds. */
    private static final String A = "+447700900111";
    private static final String B = "+447700900222";
    private static final String C = "+447700900333";

    private static RotationFixture fixture;

    @BeforeAll
    static void database() {
        fixture = new RotationFixture();
    }

    @AfterAll
    static void close() throws Exception {
        fixture.close();
    }

    @Test
    void aReencryptionStoppedHalfWayResumesFromTheDataAndAuditsEachBatch() {
        fixture.seedCalls(RotationFixture.before(), 1_200, new LinkedHashMap<>());
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.during())) {
            DSLContext db = node.getBean(DSLContext.class);
            EncryptedColumns columns = node.getBean(EncryptedColumns.class);
            long underK1 = columns.keyUse().get(EncryptedColumns.ALL.getFirst()).get("k1");
            int audited = auditRows(db);
            int[] batches = {0};
            // Stops after two batches, as a node that loses the lead (or stops) does between batches.
            long first = node.getBean(Reencryption.class).run(() -> batches[0]++ < 2);
            assertThat(first).isEqualTo(1_000);
            Map<String, Long> halfWay = columns.keyUse().get(EncryptedColumns.ALL.getFirst());
            assertThat(halfWay.get("k1")).isEqualTo(underK1 - 1_000);
            assertThat(halfWay.get("k2")).isGreaterThanOrEqualTo(1_000);
            assertThat(node.getBean(KeyRotation.class).report().sentences()).anySatisfy(s -> assertThat(s)
                    .contains("encrypted values are under key k2; " + (underK1 - 1_000) + " under key k1."));
            assertThat(node.getBean(KeyRotation.class).report().retirable()).doesNotContain("k1");
            assertThat(auditRows(db)).isEqualTo(audited + 2);

            // The restarted walk has no state of its own: it finds what is left from the key ids in the rows.
            long rest = node.getBean(Reencryption.class).run(() -> true);
            assertThat(first + rest).isEqualTo(underK1);
            assertThat(columns.keyUse().get(EncryptedColumns.ALL.getFirst())).doesNotContainKey("k1");
            assertThat(auditRows(db)).isEqualTo(audited + 2 + (int) Math.ceil((underK1 - 1_000) / 500.0));
            // Nothing left: a further walk writes nothing and audits nothing.
            assertThat(node.getBean(Reencryption.class).run(() -> true)).isZero();
            assertThat(auditRows(db)).isEqualTo(audited + 2 + (int) Math.ceil((underK1 - 1_000) / 500.0));
        }
    }

    @Test
    void aCallerSeenBeforeTheHashKeyRotatesIsRecognisedDuringAndAfterIt() {
        CallId a1;
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.before())) {
            node.getBean(MutableClock.class).set(Instant.parse("2026-02-01T10:00:00Z"));
            a1 = arrive(node, A);
            arrive(node, B);
            arrive(node, C);
            // B asked not to be called back: kept by hash only.
            node.getBean(DSLContext.class).insertInto(CALLBACK_REFUSAL)
                    .set(CALLBACK_REFUSAL.CALLER_HASH, node.getBean(CallerNumbers.class).hash(B))
                    .set(CALLBACK_REFUSAL.AT, OffsetDateTime.now(ZoneOffset.UTC)).execute();
        }
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.during())) {
            node.getBean(MutableClock.class).set(Instant.parse("2026-03-01T10:00:00Z"));
            CallerHashRotation rotation = node.getBean(CallerHashRotation.class);
            rotation.start();
            // A node that no longer holds h1 must not start while hashes made with it remain.
            try (AnnotationConfigApplicationContext tooSoon = fixture.node(RotationFixture.retired())) {
                assertThat(tooSoon.getBean(CallerHashRotation.class).missingKeys()).singleElement().asString()
                        .startsWith("hash key h1 (caller-number hashes are being moved from h1 to h2");
            }
            assertThat(node.getBean(KeyRotation.class).report().sentences()).anySatisfy(s -> assertThat(s)
                    .startsWith("Caller-number hashes are being moved from hash key h1 to h2: 0 of "));

            // A calls again before the walk reached them: recognised at once, the arrival moves A's rows first.
            CallId a2 = arrive(node, A);
            assertThat(node.getBean(Calls.class).earlierContacts(a2)).isEqualTo(1);
            // A supervisor's search by number finds B, whose calls still carry h1's hash.
            Operator supervisor = FakeData.user(node.getBean(Operators.class), Role.SUPERVISOR);
            var found = node.getBean(CallLog.class).page(new Actor(supervisor.id(), supervisor.username(),
                    Role.SUPERVISOR), new CallLog.Filter(null, null, null, null, B), null, 50);
            assertThat(found.rows()).hasSize(1);

            rotation.run(() -> true);
            assertThat(rotation.progress()).hasValueSatisfying(p -> {
                assertThat(p.finished()).isTrue();
                assertThat(p.callsDone()).isEqualTo(p.callsTotal());
            });
            // Every call's stored hash is the one h2 makes of its number; the refusal moved with B.
            CallerNumbers h2 = new CallerNumbers(RotationFixture.retired());
            FieldCipher cipher = node.getBean(FieldCipher.class);
            DSLContext db = node.getBean(DSLContext.class);
            db.select(CALL.ID, CALL.CALLER_NUMBER_ENC, CALL.CALLER_HASH).from(CALL)
                    .where(CALL.CALLER_NUMBER_ENC.isNotNull()).fetch().forEach(r -> assertThat(r.get(CALL.CALLER_HASH))
                            .isEqualTo(h2.hash(cipher.decrypt(r.get(CALL.CALLER_NUMBER_ENC),
                                    "call.caller_number:" + r.get(CALL.ID)))));
            assertThat(db.fetchExists(CALLBACK_REFUSAL, CALLBACK_REFUSAL.CALLER_HASH.eq(h2.hash(B)))).isTrue();
            assertThat(db.fetchCount(CALLBACK_REFUSAL)).isEqualTo(1);
            assertThat(node.getBean(KeyRotation.class).report().retirable()).contains("h1");
            assertThat(node.getBean(KeyRotation.class).report().sentences()).contains("Every caller-number hash is "
                    + "made with hash key h2.", "Hash key h1 is no longer needed: it can be retired (recovery codes "
                    + "made before the rotation stop working then; their owners make new ones).");
        }
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.retired())) {
            assertThat(node.getBean(CallerHashRotation.class).missingKeys()).isEmpty();
            node.getBean(MutableClock.class).set(Instant.parse("2026-04-01T10:00:00Z"));
            Calls calls = node.getBean(Calls.class);
            // h1 is gone: every caller is still recognised, those the walk moved and the one the arrival moved.
            assertThat(calls.earlierContacts(arrive(node, B))).isEqualTo(1);
            assertThat(calls.earlierContacts(arrive(node, A))).isEqualTo(2);
            assertThat(calls.earlierContacts(arrive(node, C))).isEqualTo(1);
            assertThat(calls.earlierContacts(a1)).isZero();
        }
    }

    @Test
    void aDocumentsOwnKeyIsRewrappedAndItsContentLeftAsItIs() {
        byte[] pdf = "%PDF-1.4\n% fake identity document of Testfirst Fakename\n%%EOF\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.UUID document;
        org.tiphotline.registry.CaseId caseId;
        Actor leader;
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.before())) {
            Operators operators = node.getBean(Operators.class);
            leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
            caseId = org.tiphotline.registry.ScreenedCases.newCase(
                    node.getBean(org.tiphotline.screening.Screenings.class),
                    node.getBean(org.tiphotline.registry.Registry.class), node.getBean(DSLContext.class),
                    FakeData.actor(FakeData.user(operators, Role.AGENCY_REPORTER)));
            document = node.getBean(org.tiphotline.registry.Documents.class).attach(caseId,
                    org.tiphotline.registry.Documents.Kind.IDENTITY_DOCUMENT, "application/pdf", pdf, leader).id();
        }
        byte[] sealedBefore = sealed(document);
        assertThat(FieldCipher.keyIdOf(wrappedKey(document))).isEqualTo("k1");
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.during())) {
            node.getBean(Reencryption.class).run(() -> true);
        }
        // Re-wrapped under k2; the content's bytes are the very same (never read, never re-encrypted).
        assertThat(FieldCipher.keyIdOf(wrappedKey(document))).isEqualTo("k2");
        assertThat(sealed(document)).isEqualTo(sealedBefore);
        try (AnnotationConfigApplicationContext node = fixture.node(RotationFixture.retired())) {
            assertThat(node.getBean(org.tiphotline.registry.Documents.class).download(caseId, document, leader)
                    .content()).isEqualTo(pdf);
        }
    }

    private static byte[] sealed(java.util.UUID document) {
        return org.jooq.impl.DSL.using(fixture.dataSource(), org.jooq.SQLDialect.POSTGRES)
                .fetchOne("select content_sealed from hotline.case_document where id = ?", document)
                .get(0, byte[].class);
    }

    private static byte[] wrappedKey(java.util.UUID document) {
        return org.jooq.impl.DSL.using(fixture.dataSource(), org.jooq.SQLDialect.POSTGRES)
                .fetchOne("select wrapped_key from hotline.case_document_key where document_id = ?", document)
                .get(0, byte[].class);
    }

    private static CallId arrive(AnnotationConfigApplicationContext node, String number) {
        node.getBean(MutableClock.class).advance(java.time.Duration.ofMinutes(1));
        return node.getBean(Switchboard.class).arrived(FakeData.newCallRef(), number, FakeData.HOTLINE_NUMBER);
    }

    private static int auditRows(DSLContext db) {
        return db.fetchCount(db.selectFrom("hotline.audit_log").where("actor = ? and entity = 'call'",
                Reencryption.ACTOR));
    }

}
