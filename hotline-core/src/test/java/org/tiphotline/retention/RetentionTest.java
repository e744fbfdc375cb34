package org.tiphotline.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALL_EVENT;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;
import static org.tiphotline.db.Tables.CASE_DOCUMENT_KEY;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.db.tables.records.AuditLogRecord;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.DataKeys;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.registry.CaseId;
import org.tiphotline.registry.CaseNotFound;
import org.tiphotline.registry.CaseStatus;
import org.tiphotline.registry.Documents;
import org.tiphotline.registry.Registry;
import org.tiphotline.registry.ScreenedCases;
import org.tiphotline.screening.Screenings;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;

/**
 * Retention on a real PostgreSQL, as the application's role: for each kind, nothing is erased before a data
 * management leader approves, exactly the records under the rule are erased after, a record that stopped qualifying
 * is skipped and counted, and the audit rows say kind, rule and how many, and nothing that names a record or a person.
 */
class RetentionTest {

    private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");
    private static final byte[] PDF = "%PDF-1.4\n% fake medical report of Testfirst Fakevictim\n%%EOF\n"
            .getBytes(StandardCharsets.US_ASCII);

    private RetentionFixture fixture;
    private DSLContext db;
    private MutableClock clock;
    private RetentionBatches batches;
    private Actor leader;
    private Actor dataManager;

    @BeforeEach
    void start() {
        fixture = new RetentionFixture();
        db = fixture.get(DSLContext.class);
        clock = fixture.get(MutableClock.class);
        clock.set(START);
        batches = fixture.get(RetentionBatches.class);
        Operators operators = fixture.get(Operators.class);
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void abandonedCallsLoseTheirNumberOnlyOnceApprovedAndKeepTheirTimeline() {
        CallId old1 = abandoned(1);
        CallId old2 = abandoned(2);
        CallId withOpenTask = abandoned(3);
        CallId flagged = abandoned(4);
        // A closed callback task for old1's caller: its copy of the caller goes with the call.
        UUID closedTask = task(old1, true);
        task(withOpenTask, false);
        db.execute("insert into hotline.caller_flag (id, caller_hash, call_id, kind, set_by, set_at, expires_at) "
                + "select ?::uuid, caller_hash, id, 'PRANK', ?::bigint, ?::timestamptz, ?::timestamptz "
                + "from hotline.call where id = ?::uuid", UUID.randomUUID(),
                leader.id().value(), START.atOffset(ZoneOffset.UTC), START.plusSeconds(86_400).atOffset(ZoneOffset.UTC),
                flagged.value());
        clock.set(Instant.parse("2026-06-20T10:00:00Z"));
        CallId recent = abandoned(5);
        int events = db.fetchCount(CALL_EVENT);
        clock.set(Instant.parse("2026-07-10T10:00:00Z"));

        RetentionBatches.Batch batch = batches.propose(RetentionKind.ABANDONED_CALLS).orElseThrow();
        assertThat(batch.records()).isEqualTo(2);
        assertThat(batch.sentence())
                .isEqualTo("Abandoned calls with no report, ended more than 6 months ago: 2 calls.");
        assertThat(batches.propose(RetentionKind.ABANDONED_CALLS)).as("one open proposal per kind").isEmpty();
        assertThat(personal(old1)).doesNotContainNull();

        assertThatThrownBy(() -> batches.approve(dataManager, batch.id())).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> batches.list(dataManager)).isInstanceOf(SecurityException.class);
        batches.approve(leader, batch.id());
        assertThat(personal(old1)).as("approval alone erases nothing: the job does").doesNotContainNull();
        batches.runApproved(() -> true);

        for (CallId erased : List.of(old1, old2)) {
            Record r = db.select(CALL.CALLER_NUMBER_ENC, CALL.CALLER_HASH, CALL.CALLER_MASK, CALL.PROVIDER_CALL_ID,
                    CALL.OUTCOME, CALL.ENDED_AT, CALL.LANGUAGE).from(CALL).where(CALL.ID.eq(erased.value()))
                    .fetchSingle();
            assertThat(r.get(CALL.CALLER_NUMBER_ENC)).isNull();
            assertThat(r.get(CALL.CALLER_HASH)).isNull();
            assertThat(r.get(CALL.CALLER_MASK)).isEqualTo("erased");
            assertThat(r.get(CALL.PROVIDER_CALL_ID)).isEqualTo("erased-" + erased.value());
            // The skeleton the floor and statistics count stays.
            assertThat(r.get(CALL.OUTCOME)).isEqualTo("ABANDONED_IN_IVR");
            assertThat(r.get(CALL.ENDED_AT)).isNotNull();
            assertThat(r.get(CALL.LANGUAGE)).isEqualTo("en");
        }
        assertThat(db.fetchCount(CALL_EVENT)).isEqualTo(events);
        var task = db.selectFrom(CALLBACK_TASK).where(CALLBACK_TASK.ID.eq(closedTask)).fetchSingle();
        assertThat(task.getCallerHash()).isNull();
        assertThat(task.getCallerMask()).isEqualTo("erased");
        for (CallId kept : List.of(withOpenTask, flagged, recent)) {
            assertThat(personal(kept)).as("not under the rule").doesNotContainNull();
        }
        RetentionBatches.Batch done = batches.list(leader).getFirst();
        assertThat(done.status()).isEqualTo(RetentionBatches.Status.DONE);
        assertThat(done.erased()).isEqualTo(2);
        assertThat(done.skipped()).isZero();

        List<AuditLogRecord> audit = audit(batch.id());
        assertThat(audit).extracting(AuditLogRecord::getActor).containsExactly(RetentionBatches.ACTOR,
                leader.username(), RetentionBatches.ACTOR);
        assertThat(audit.getLast().getChanges().data()).contains("\"kind\": \"ABANDONED_CALLS\"",
                "\"rule\": \"P6M\"", "\"records\": 2", "\"erased\": 2", "\"skipped\": 0", "\"status\": \"DONE\"");
        assertNamesNoRecord(audit, List.of(old1.value(), old2.value(), closedTask),
                List.of(FakeData.phone(1), "+1555"));
        assertThat(RetentionBatches.auditWords(Map.of("kind", "ABANDONED_CALLS", "rule", "P6M", "records", 2,
                "erased", 2, "skipped", 0, "status", "DONE"))).isEqualTo("Retention: Abandoned calls with no report, "
                + "ended more than 6 months ago (2 calls), done: 2 erased, 0 kept as no longer under the rule");
    }

    @Test
    void draftsNeverSubmittedAreDeletedAndOneSavedSinceIsSkipped() {
        Actor operator = FakeData.actor(FakeData.user(fixture.get(Operators.class), Role.OPERATOR, "en"));
        ReportId forgotten = draft(operator, 11);
        ReportId resumed = draft(operator, 12);
        clock.set(START.plusSeconds(20 * 86_400L));
        ReportId young = draft(operator, 13);
        clock.set(START.plusSeconds(40 * 86_400L));

        RetentionBatches.Batch batch = batches.propose(RetentionKind.UNSUBMITTED_DRAFTS).orElseThrow();
        assertThat(batch.sentence()).isEqualTo("Report drafts never submitted, last saved more than 30 days ago: "
                + "2 drafts.");
        // Saved after the proposal: no longer under the rule when its turn comes.
        fixture.get(Intake.class).saveField(resumed, operator, "situation", "OCCURRED");
        assertThat(drafts()).contains(forgotten.value(), resumed.value(), young.value());

        batches.approve(leader, batch.id());
        batches.runApproved(() -> true);

        assertThat(drafts()).doesNotContain(forgotten.value()).contains(resumed.value(), young.value());
        RetentionBatches.Batch done = batches.list(leader).getFirst();
        assertThat(done.erased()).isEqualTo(1);
        assertThat(done.skipped()).isEqualTo(1);
        List<AuditLogRecord> audit = audit(batch.id());
        assertThat(audit.getLast().getChanges().data()).contains("\"kind\": \"UNSUBMITTED_DRAFTS\"",
                "\"rule\": \"P30D\"", "\"erased\": 1", "\"skipped\": 1");
        assertNamesNoRecord(audit, List.of(forgotten.value(), resumed.value()), List.of(FakeData.phone(11)));
    }

    @Test
    void documentsOfClosedCasesAreCryptoShreddedAndAReopenedCaseKeepsItsOwn() {
        Screenings screenings = fixture.get(Screenings.class);
        Registry registry = fixture.get(Registry.class);
        Documents documents = fixture.get(Documents.class);
        Actor reporter = FakeData.actor(FakeData.user(fixture.get(Operators.class), Role.AGENCY_REPORTER));
        CaseId closed = ScreenedCases.newCase(screenings, registry, db, reporter);
        CaseId reopened = ScreenedCases.newCase(screenings, registry, db, reporter);
        CaseId open = ScreenedCases.newCase(screenings, registry, db, reporter);
        UUID shredded = documents.attach(closed, Documents.Kind.MEDICAL_REPORT, "application/pdf", PDF, leader).id();
        UUID keptReopened = documents.attach(reopened, Documents.Kind.OTHER, "application/pdf", PDF, leader).id();
        UUID keptOpen = documents.attach(open, Documents.Kind.OTHER, "application/pdf", PDF, leader).id();
        registry.changeStatus(closed, CaseStatus.CLOSED, "test: closed, nothing more to do", leader);
        registry.changeStatus(reopened, CaseStatus.CLOSED, "test: closed, nothing more to do", leader);
        // What a backup taken now holds of the document: its sealed content, and its wrapped key.
        byte[] backupContent = db.select(CASE_DOCUMENT.CONTENT_SEALED).from(CASE_DOCUMENT)
                .where(CASE_DOCUMENT.ID.eq(shredded)).fetchSingle().value1();
        byte[] wrapped = db.select(CASE_DOCUMENT_KEY.WRAPPED_KEY).from(CASE_DOCUMENT_KEY)
                .where(CASE_DOCUMENT_KEY.DOCUMENT_ID.eq(shredded)).fetchSingle().value1();
        DataKeys keys = fixture.get(DataKeys.class);
        String bound = "case_document.content:" + shredded;
        assertThat(keys.open(backupContent, keys.unwrap(wrapped, Documents.boundKey(shredded)), bound)).isEqualTo(PDF);
        clock.set(START.plusSeconds(800L * 86_400));

        RetentionBatches.Batch batch = batches.propose(RetentionKind.CLOSED_CASE_DOCUMENTS).orElseThrow();
        assertThat(batch.records()).isEqualTo(2);
        assertThat(batch.sentence()).isEqualTo("Documents of closed cases, closed and unchanged for more than 24 "
                + "months: 2 documents.");
        assertThat(documents.download(closed, shredded, leader).content()).as("before approval").isEqualTo(PDF);
        registry.changeStatus(reopened, CaseStatus.UNDER_ASSESSMENT, "test: new information came in", leader);

        batches.approve(leader, batch.id());
        batches.runApproved(() -> true);

        assertThat(db.fetchExists(CASE_DOCUMENT_KEY, CASE_DOCUMENT_KEY.DOCUMENT_ID.eq(shredded))).isFalse();
        assertThat(db.fetchExists(CASE_DOCUMENT, CASE_DOCUMENT.ID.eq(shredded))).isFalse();
        assertThatThrownBy(() -> documents.download(closed, shredded, leader)).isInstanceOf(CaseNotFound.class);
        // The backed-up content opens with no key the system still holds: the ring's keys are not its key.
        FieldCipher ring = fixture.get(FieldCipher.class);
        byte[] anotherDocumentsKey = db.select(CASE_DOCUMENT_KEY.WRAPPED_KEY).from(CASE_DOCUMENT_KEY)
                .where(CASE_DOCUMENT_KEY.DOCUMENT_ID.eq(keptOpen)).fetchSingle().value1();
        assertThatThrownBy(() -> keys.open(backupContent, keys.unwrap(anotherDocumentsKey,
                Documents.boundKey(keptOpen)), bound)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ring.decryptBytes(backupContent, bound)).isInstanceOf(IllegalStateException.class);

        assertThat(documents.download(reopened, keptReopened, leader).content()).isEqualTo(PDF);
        assertThat(documents.download(open, keptOpen, leader).content()).isEqualTo(PDF);
        RetentionBatches.Batch done = batches.list(leader).getFirst();
        assertThat(done.erased()).isEqualTo(1);
        assertThat(done.skipped()).isEqualTo(1);
        assertNamesNoRecord(audit(batch.id()), List.of(shredded, keptReopened, closed.value(), reopened.value()),
                List.of("Fakevictim", "MEDICAL"));
    }

    @Test
    void aRejectedBatchErasesNothingAndItsReasonStaysOutOfTheTrail() {
        Actor operator = FakeData.actor(FakeData.user(fixture.get(Operators.class), Role.OPERATOR, "en"));
        ReportId draft = draft(operator, 21);
        clock.set(START.plusSeconds(40 * 86_400L));
        RetentionBatches.Batch batch = batches.propose(RetentionKind.UNSUBMITTED_DRAFTS).orElseThrow();

        assertThatThrownBy(() -> batches.reject(leader, batch.id(), " ")).isInstanceOf(IllegalArgumentException.class);
        batches.reject(leader, batch.id(), "test: the operator is back next week, keep it");
        assertThatThrownBy(() -> batches.approve(leader, batch.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already rejected");
        batches.runApproved(() -> true);

        assertThat(drafts()).contains(draft.value());
        assertThat(batches.list(leader).getFirst().status()).isEqualTo(RetentionBatches.Status.REJECTED);
        List<AuditLogRecord> audit = audit(batch.id());
        assertThat(audit).hasSize(2);
        assertThat(audit.getLast().getChanges().data()).contains("\"status\": \"REJECTED\"").doesNotContain("operator");
        // Rejected, the kind may be proposed again (the next day's proposal asks anew).
        assertThat(batches.propose(RetentionKind.UNSUBMITTED_DRAFTS)).isPresent();
    }

    @Test
    void aBatchStoppedMidWayLeavesEachRecordWholeOrErasedAndResumes() {
        CallId first = abandoned(31);
        CallId second = abandoned(32);
        clock.set(Instant.parse("2026-09-01T10:00:00Z"));
        RetentionBatches.Batch batch = batches.propose(RetentionKind.ABANDONED_CALLS).orElseThrow();
        batches.approve(leader, batch.id());
        int[] looks = {0};
        // Stops after one record, as a node that stops or loses the lead does.
        assertThat(batches.runApproved(() -> looks[0]++ < 2)).isEqualTo(1);

        List<Boolean> erased = List.of(personal(first).getFirst() == null, personal(second).getFirst() == null);
        assertThat(erased).containsExactlyInAnyOrder(true, false);
        RetentionBatches.Batch halfWay = batches.list(leader).getFirst();
        assertThat(halfWay.status()).isEqualTo(RetentionBatches.Status.APPROVED);
        assertThat(halfWay.remaining()).isEqualTo(1);
        for (CallId call : List.of(first, second)) {
            List<Object> fields = personal(call);
            assertThat(fields.stream().allMatch(f -> f == null) || fields.stream().noneMatch(f -> f == null))
                    .as("each record whole or erased").isTrue();
        }

        assertThat(batches.runApproved(() -> true)).isEqualTo(1);
        assertThat(personal(first).getFirst()).isNull();
        assertThat(personal(second).getFirst()).isNull();
        assertThat(batches.list(leader).getFirst().erased()).isEqualTo(2);
        assertThat(audit(batch.id())).hasSize(3);
    }

    @Test
    void aFailureInTheMiddleOfARecordsErasureLeavesThatRecordWhole() {
        CallId call = abandoned(41);
        UUID task = task(call, true);
        clock.set(Instant.parse("2026-09-01T10:00:00Z"));
        RetentionBatches.Batch batch = batches.propose(RetentionKind.ABANDONED_CALLS).orElseThrow();
        batches.approve(leader, batch.id());
        // The call's own update fails after its task's was made, as a crash between the two statements would end the
        // transaction: neither may stay.
        fixture.owner().execute("alter table hotline.call add constraint retention_test_crash "
                + "check (caller_mask <> 'erased') not valid");
        assertThatThrownBy(() -> batches.runApproved(() -> true)).hasMessageContaining("retention_test_crash");
        assertThat(personal(call)).doesNotContainNull();
        assertThat(db.select(CALLBACK_TASK.CALLER_HASH).from(CALLBACK_TASK).where(CALLBACK_TASK.ID.eq(task))
                .fetchSingle().value1()).as("the task's erasure rolled back with the call's").isNotNull();
        assertThat(batches.list(leader).getFirst().remaining()).isEqualTo(1);

        fixture.owner().execute("alter table hotline.call drop constraint retention_test_crash");
        batches.runApproved(() -> true);
        assertThat(personal(call).getFirst()).isNull();
        assertThat(db.select(CALLBACK_TASK.CALLER_HASH).from(CALLBACK_TASK).where(CALLBACK_TASK.ID.eq(task))
                .fetchSingle().value1()).isNull();
        assertThat(batches.list(leader).getFirst().status()).isEqualTo(RetentionBatches.Status.DONE);
    }

    /** A call from a fictional number that hangs up in the IVR after choosing English: abandoned. */
    private CallId abandoned(int phone) {
        Switchboard switchboard = fixture.get(Switchboard.class);
        CallRef ref = FakeData.newCallRef();
        CallId call = switchboard.arrived(ref, FakeData.phone(phone), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, org.tiphotline.calls.IvrQuestion.LANGUAGE, "en");
        clock.advance(java.time.Duration.ofSeconds(30));
        assertThat(switchboard.callerHungUp(ref)).isTrue();
        return call;
    }

    /** A callback task for the call's caller, as the callback queue makes one; closed or still open. */
    private UUID task(CallId call, boolean closed) {
        UUID id = UUID.randomUUID();
        OffsetDateTime at = clock.instant().atOffset(ZoneOffset.UTC);
        db.execute("insert into hotline.callback_task (id, call_id, reason, created_at, done_at, closed_as, "
                + "caller_hash, caller_mask, latest_call_id, last_call_at) select ?::uuid, id, 'ABANDONED_IN_IVR', "
                + "?::timestamptz, ?::timestamptz, ?::text, caller_hash, caller_mask, id, ?::timestamptz "
                + "from hotline.call where id = ?::uuid", id, at, closed ? at : null,
                closed ? "NOTED" : null, at, call.value());
        db.execute("insert into hotline.callback_task_call (call_id, reason, task_id, at) values (?::uuid, "
                + "'ABANDONED_IN_IVR', ?::uuid, ?::timestamptz)", call.value(), id, at);
        return id;
    }

    /** The call's personal fields: number, hash (bytes) and the mask unless erased. */
    private List<Object> personal(CallId call) {
        Record r = db.select(CALL.CALLER_NUMBER_ENC, CALL.CALLER_HASH, CALL.CALLER_MASK).from(CALL)
                .where(CALL.ID.eq(call.value())).fetchSingle();
        return java.util.Arrays.asList(r.get(CALL.CALLER_NUMBER_ENC), r.get(CALL.CALLER_HASH),
                "erased".equals(r.get(CALL.CALLER_MASK)) ? null : r.get(CALL.CALLER_MASK));
    }

    private ReportId draft(Actor operator, int phone) {
        CallId call = fixture.get(Switchboard.class).arrived(FakeData.newCallRef(), FakeData.phone(phone),
                FakeData.HOTLINE_NUMBER);
        return fixture.get(Intake.class).openDraft(call, operator.id());
    }

    private List<UUID> drafts() {
        return db.select(HOTLINE_REPORT.ID).from(HOTLINE_REPORT).fetch(HOTLINE_REPORT.ID);
    }

    private List<AuditLogRecord> audit(UUID batch) {
        return db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq(RetentionBatches.ENTITY))
                .and(AUDIT_LOG.ENTITY_ID.eq(batch.toString())).orderBy(AUDIT_LOG.ID).fetch();
    }

    /** No audit row of the batch names any of these records, nor holds any of these texts. */
    private static void assertNamesNoRecord(List<AuditLogRecord> audit, List<UUID> records, List<String> texts) {
        assertThat(audit).isNotEmpty();
        for (AuditLogRecord row : audit) {
            String all = row.getEntityId() + " " + String.join(",", row.getFields()) + " "
                    + (row.getChanges() == null ? "" : row.getChanges().data());
            for (UUID record : records) {
                assertThat(all).doesNotContain(record.toString());
            }
            for (String text : texts) {
                assertThat(all).doesNotContain(text);
            }
        }
    }
}
