package org.tiphotline.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.db.tables.records.AuditLogRecord;
import org.tiphotline.db.tables.records.HotlineReportRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.registry.CaseId;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.RecordedEvents;

/** The hotline form's life on a real PostgreSQL: drafts, field by field saving, access, audit, submission. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class IntakeTest {

    private static final String SECRET_TEXT = "Testfirst Fakename was seen near the test market";

    @Autowired
    private Intake intake;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;
    @Autowired
    private RecordedEvents events;
    @Autowired
    private org.springframework.context.ApplicationContext context;

    private Operator operator;
    private Actor me;
    private Actor otherOperator;
    private Actor supervisor;
    private Actor dataManager;
    private Actor admin;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START);
        events.clear();
        operator = FakeData.user(operators, Role.OPERATOR, "en", "es");
        me = FakeData.actor(operator);
        otherOperator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        supervisor = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR, "en"));
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        admin = FakeData.actor(FakeData.user(operators, Role.ADMIN));
    }

    /** A call from "+1 (555) 010-0145" that answered the IVR (Spanish, in danger) and now rings at {@code at}. */
    private CallId callRingingAt(Actor at, CallRef ref) {
        return callRingingAt(at, ref, FakeData.phone(45));
    }

    private CallId callRingingAt(Actor at, CallRef ref, String callerNumber) {
        CallId call = switchboard.arrived(ref, callerNumber, FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "es");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "YES");
        clock.advance(Duration.ofSeconds(10));
        switchboard.ivrCompleted(ref);
        clock.advance(Duration.ofSeconds(25));
        assertThat(switchboard.offered(call, at.id())).isTrue();
        return call;
    }

    /** A draft owned by {@link #me}, opened the way the application opens it. */
    private ReportId draft() {
        CallId call = callRingingAt(me, FakeData.newCallRef());
        intake.on(new Call.Ringing(call, me.id(), clock.instant()));
        return intake.reportOf(call).orElseThrow();
    }

    private HotlineReportRecord stored(ReportId id) {
        return db.selectFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(id.value())).fetchSingle();
    }

    private List<AuditLogRecord> audit(ReportId id) {
        return db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("hotline_report"))
                .and(AUDIT_LOG.ENTITY_ID.eq(id.toString())).orderBy(AUDIT_LOG.ID).fetch();
    }

    private static InvalidField invalid(Runnable action) {
        try {
            action.run();
        } catch (InvalidField e) {
            return e;
        }
        throw new AssertionError("expected InvalidField");
    }

    @Test
    void aDraftOpensWhenTheCallIsOfferedAndTheConsoleIsToldWhatToShowWhenItRings() {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        ReportId report = intake.reportOf(call).orElseThrow();
        assertThat(events.ofType(ScreenPop.class)).as("no pop before the phone rings").isEmpty();

        clock.advance(Duration.ofMillis(1500));
        intake.on(new Call.Ringing(call, me.id(), clock.instant()));

        HotlineReportRecord row = stored(report);
        assertThat(row.getStatus()).isEqualTo("DRAFT");
        assertThat(row.getOperatorId()).isEqualTo(me.id().value());
        assertThat(row.getRegisteredOn()).isEqualTo(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        assertThat(intake.drafts(me)).extracting(Intake.DraftSummary::report, Intake.DraftSummary::call)
                .containsExactly(tuple(report, call));

        List<ScreenPop> pops = events.ofType(ScreenPop.class);
        assertThat(pops).hasSize(1);
        ScreenPop pop = pops.getFirst();
        assertThat(pop.operatorUsername()).isEqualTo(me.username());
        assertThat(pop.call()).isEqualTo(call);
        assertThat(pop.report()).isEqualTo(report);
        assertThat(pop.provider()).isEqualTo("sim");
        assertThat(pop.providerCallId()).isEqualTo(ref.providerCallId());
        assertThat(pop.callerMask()).isEqualTo("•••• 45");
        assertThat(pop.language()).isEqualTo("es");
        assertThat(pop.urgent()).isTrue();
        assertThat(pop.ivrPath()).containsExactly(Map.entry("LANGUAGE", "es"), Map.entry("IMMEDIATE_DANGER", "YES"));
        assertThat(pop.waitedSeconds()).as("queued until it rang").isEqualTo(26);
        assertThat(pop.ringingAt()).isEqualTo(clock.instant());
        assertThat(pop.toString()).doesNotContain("0100145").doesNotContain("010-0145");

        // Ringing reported again opens nothing new.
        intake.on(new Call.Ringing(call, me.id(), clock.instant()));
        assertThat(intake.reportOf(call)).contains(report);
        assertThat(db.fetchCount(HOTLINE_REPORT, HOTLINE_REPORT.CALL_ID.eq(call.value()))).isEqualTo(1);
    }

    @Test
    void aRingingReportForACallThisProcessDidNotOfferStillPopsWithItsDraft() {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        ReportId report = intake.reportOf(call).orElseThrow();
        // A restarted process: same database, none of the offers prepared in memory.
        Intake restarted = context.getAutowireCapableBeanFactory().createBean(Intake.class);

        restarted.on(new Call.Ringing(call, me.id(), clock.instant()));

        assertThat(events.ofType(ScreenPop.class)).singleElement().satisfies(pop -> {
            assertThat(pop.report()).isEqualTo(report);
            assertThat(pop.operatorUsername()).isEqualTo(me.username());
            assertThat(pop.callerMask()).isEqualTo("•••• 45");
        });
        assertThat(db.fetchCount(HOTLINE_REPORT, HOTLINE_REPORT.CALL_ID.eq(call.value()))).isEqualTo(1);
    }

    @Test
    void aPopPreparedForOneOperatorIsNotShownToAnother() {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        ReportId report = intake.reportOf(call).orElseThrow();

        // A provider reporting ringing at someone else than the offer (a misrouted endpoint) pops there, with
        // the draft handed over, rather than at the operator the brain chose.
        intake.on(new Call.Ringing(call, otherOperator.id(), clock.instant()));

        assertThat(events.ofType(ScreenPop.class)).extracting(ScreenPop::operatorUsername)
                .containsExactly(otherOperator.username());
        assertThat(stored(report).getOperatorId()).isEqualTo(otherOperator.id().value());
    }

    @Test
    void theSwitchboardsRingingReportOpensTheDraftThroughTheEventListener() {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);

        assertThat(switchboard.ringing(ref, me.id())).isTrue();

        assertThat(intake.reportOf(call)).isPresent();
        assertThat(events.ofType(ScreenPop.class)).extracting(ScreenPop::call).containsExactly(call);
    }

    /**
     * A pop prepared at the offer must not wait for the ringing record (its lock, insert and WAL flush queue
     * behind every other call's at load): it leaves while no other connection can see that record, carrying the
     * time of the provider's report, which is the time stored.
     */
    @Test
    void aPreparedPopLeavesBeforeTheRingingRecordIsCommitted() throws Exception {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        List<Integer> ringingSeenElsewhere = new java.util.concurrent.CopyOnWriteArrayList<>();
        listenToPops(call, ringingSeenElsewhere);

        assertThat(switchboard.ringing(ref, me.id())).isTrue();

        assertThat(ringingSeenElsewhere).as("RINGING rows another connection saw when the pop left")
                .containsExactly(0);
        assertThat(ringingRowsElsewhere(call)).as("and once ringing() returned").isEqualTo(1);
        assertThat(events.ofType(ScreenPop.class)).singleElement().extracting(ScreenPop::ringingAt)
                .isEqualTo(switchboardRingingTime(call));
        // A repeated report pops nothing again.
        assertThat(switchboard.ringing(ref, me.id())).isFalse();
        assertThat(events.ofType(ScreenPop.class)).hasSize(1);
    }

    /**
     * With two nodes the call offered here may ring and end on the other node: this one never hears, and its
     * prepared pop is forgotten once no offer could still be ringing, while a pop prepared since stays.
     */
    @Test
    void aPopPreparedForACallThatRangElsewhereIsForgottenOnceNoOfferCouldStillRing() {
        CallId elsewhere = callRingingAt(me, FakeData.newCallRef());
        clock.advance(Duration.ofMinutes(11));
        CallId recent = callRingingAt(otherOperator, FakeData.newCallRef());

        intake.forgetStalePops();

        intake.on(new Call.RingReported(elsewhere, me.id(), clock.instant()));
        assertThat(events.ofType(ScreenPop.class)).as("nothing left in memory to pop for the old offer").isEmpty();
        intake.on(new Call.RingReported(recent, otherOperator.id(), clock.instant()));
        assertThat(events.ofType(ScreenPop.class)).singleElement().extracting(ScreenPop::call).isEqualTo(recent);
    }

    /**
     * The offer's listeners run after its commit, on the routing thread (or on the other node), so the caller can
     * hang up in between: the hang-up's listener finds no draft to drop, and the offer's then opened one for a
     * call that is over, left in the operator's open reports as "not submitted yet" (RepeatCallerInBrowserTest
     * failed on it in CI). An offer or a ringing heard after the end opens no draft and prepares no pop.
     */
    @Test
    void anOfferHeardAfterTheCallerHungUpOpensNoDraftAndPopsNothing() {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        assertThat(switchboard.callerHungUp(ref)).isTrue();
        assertThat(intake.reportOf(call)).as("the hang-up dropped the untouched draft").isEmpty();

        intake.on(new Call.Offered(call, me.id()));
        intake.on(new Call.RingReported(call, me.id(), clock.instant()));
        intake.on(new Call.Ringing(call, me.id(), clock.instant()));

        assertThat(intake.reportOf(call)).isEmpty();
        assertThat(events.ofType(ScreenPop.class)).isEmpty();
    }

    /** A pop that must be built from the database (no offer prepared it here) waits for the commit instead. */
    @Test
    void aPopBuiltFromTheDatabaseLeavesAfterTheRingingRecordIsCommitted() throws Exception {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        // The prepared pop is dropped as when the offer rang out in this process; the stored offer still stands.
        intake.on(new Call.OfferUnanswered(call, me.id(), "test"));
        List<Integer> ringingSeenElsewhere = new java.util.concurrent.CopyOnWriteArrayList<>();
        listenToPops(call, ringingSeenElsewhere);

        assertThat(switchboard.ringing(ref, me.id())).isTrue();

        assertThat(ringingSeenElsewhere).containsExactly(1);
        assertThat(events.ofType(ScreenPop.class)).extracting(ScreenPop::report)
                .containsExactly(intake.reportOf(call).orElseThrow());
    }

    private Instant switchboardRingingTime(CallId call) {
        return db.select(org.tiphotline.db.Tables.CALL_EVENT.AT).from(org.tiphotline.db.Tables.CALL_EVENT)
                .where(org.tiphotline.db.Tables.CALL_EVENT.CALL_ID.eq(call.value()))
                .and(org.tiphotline.db.Tables.CALL_EVENT.TYPE.eq("RINGING")).fetchSingle().value1().toInstant();
    }

    private void listenToPops(CallId call, List<Integer> ringingSeenElsewhere) {
        ((org.springframework.context.ConfigurableApplicationContext) context).addApplicationListener(
                (org.springframework.context.ApplicationListener<org.springframework.context.PayloadApplicationEvent<
                        ?>>) event -> {
                    if (event.getPayload() instanceof ScreenPop pop && pop.call().equals(call)) {
                        ringingSeenElsewhere.add(ringingRowsElsewhere(call));
                    }
                });
    }

    /** Counted on a connection of its own, outside any transaction of the caller's thread. */
    private int ringingRowsElsewhere(CallId call) {
        try (java.sql.Connection own = context.getBean(javax.sql.DataSource.class).getConnection();
                var query = own.prepareStatement(
                        "select count(*) from hotline.call_event where call_id = ? and type = 'RINGING'")) {
            query.setObject(1, call.value());
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theScreenPopCountsEarlierCallsFromTheSameNumber() {
        // A number and a time of its own, so calls of other tests cannot fall between the two calls.
        clock.set(Instant.parse("2031-06-01T00:00:00Z"));
        CallId first = callRingingAt(me, FakeData.newCallRef(), FakeData.phone(46));
        intake.on(new Call.Ringing(first, me.id(), clock.instant()));
        int before = events.ofType(ScreenPop.class).getFirst().earlierContacts();
        clock.advance(Duration.ofMinutes(30));

        CallId second = callRingingAt(me, FakeData.newCallRef(), "+15550100146");
        intake.on(new Call.Ringing(second, me.id(), clock.instant()));

        assertThat(events.ofType(ScreenPop.class).getLast().earlierContacts()).isEqualTo(before + 1);
    }

    @Test
    void aDraftTypedIntoWhileItRangFollowsTheCallToTheNextOperatorItRingsAt() {
        CallRef ref = FakeData.newCallRef();
        CallId call = callRingingAt(me, ref);
        intake.on(new Call.Ringing(call, me.id(), clock.instant()));
        ReportId report = intake.reportOf(call).orElseThrow();
        intake.saveField(report, me, "situation", "OCCURRED");

        switchboard.offerTimedOut(call, me.id(), "no answer within 20 s");
        switchboard.offered(call, otherOperator.id());
        intake.on(new Call.Ringing(call, otherOperator.id(), clock.instant()));

        assertThat(intake.reportOf(call)).contains(report);
        assertThat(stored(report).getOperatorId()).isEqualTo(otherOperator.id().value());
        assertThat(intake.view(report, otherOperator).operator()).isEqualTo(otherOperator.id());
        assertThatThrownBy(() -> intake.view(report, me)).isInstanceOf(ReportNotFound.class);
        assertThatThrownBy(() -> intake.saveField(report, me, "situation", "POTENTIAL"))
                .isInstanceOf(ReportNotFound.class);
        assertThat(intake.drafts(me)).extracting(Intake.DraftSummary::report).doesNotContain(report);
    }

    /** Issue 17: an operator who let a call ring out keeps no draft of it in their open reports. */
    @Test
    void anUntouchedDraftOfACallThatRangOutIsDropped() {
        CallId call = callRingingAt(me, FakeData.newCallRef());
        intake.on(new Call.Ringing(call, me.id(), clock.instant()));
        ReportId report = intake.reportOf(call).orElseThrow();

        switchboard.offerTimedOut(call, me.id(), "no answer within 20 s");

        assertThat(intake.drafts(me)).extracting(Intake.DraftSummary::report).doesNotContain(report);
        assertThat(intake.reportOf(call)).isEmpty();
    }

    @Test
    void invalidValuesAreRefusedNamingTheFieldButNeverRepeatingTheValue() {
        ReportId report = draft();
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("situation", "MAYBE");
        bad.put("periodFrom", "2024-13-45");
        bad.put("periodTo", "01/05/2024");
        bad.put("registeredOn", "1899-12-31");
        bad.put("place", "Testville Unknown");
        bad.put("victimSex", "female");
        bad.put("victimAge", 121);
        bad.put("victimCountryOfBirth", "ZZ");
        bad.put("victimEthnicity", "Testethnic ".repeat(10)); // 110 characters, the limit is 100
        bad.put("victimDescriptors", List.of("FAMILY", "NOT_A_DESCRIPTOR"));
        bad.put("traffickingTypes", "LABOUR");
        bad.put("anonymous", "yes");
        bad.put("contactPhone", "call Testfirst");
        bad.put("victimDetails", "Testfirst\u0000Fakename");

        bad.forEach((field, value) -> {
            InvalidField e = invalid(() -> intake.saveField(report, me, field, value));
            assertThat(e.problems()).as(field).containsOnlyKeys(field);
            assertThat(e.getMessage() + e.problems()).as(field).doesNotContain(String.valueOf(value));
        });
        InvalidField unknown = invalid(() -> intake.saveField(report, me, "victimShoeSize", "42"));
        assertThat(unknown.problems()).containsOnlyKeys("victimShoeSize");

        assertThat(stored(report).getVersion()).isZero();
        assertThat(stored(report).getPersonalEnc()).isNull();
        // What was typed is kept aside, encrypted (see refusedTextIsKeptWithTheDraftUntilItIsCorrected), and its
        // keeping is a change in the audit trail; none of it became a value of the report.
        String kept = new String(stored(report).getRefusedEnc(), StandardCharsets.ISO_8859_1);
        assertThat(kept).doesNotContain("Testethnic").doesNotContain("Testfirst").doesNotContain("victimDetails");
        assertThat(audit(report)).extracting(AuditLogRecord::getAction).containsOnly("CHANGE");
        assertThat(intake.view(report, me).values()).doesNotContainKeys("situation", "victimAge", "victimEthnicity",
                "victimDetails", "contactPhone");
    }

    @Test
    void refusedTextIsKeptWithTheDraftUntilItIsCorrected() {
        ReportId report = draft();
        String typed = "Testfirst <b>Fakename</b> works nights (fake)";

        InvalidField refused = invalid(() -> intake.saveField(report, me, "victimDetails", typed, 0));

        assertThat(refused).isInstanceOf(RefusedValueKept.class);
        assertThat(refused.getMessage() + refused.problems()).doesNotContain("Fakename");
        HotlineReport view = intake.view(report, me);
        assertThat(view.values()).doesNotContainKey("victimDetails");
        assertThat(view.refused()).containsOnlyKeys("victimDetails");
        assertThat(view.refused().get("victimDetails").value()).isEqualTo(typed);
        assertThat(view.refused().get("victimDetails").reason()).contains("plain text");
        assertThat(audit(report).getLast().getAction()).as("shown back: a read").isEqualTo("READ");
        assertThat(audit(report).getLast().getFields()).containsExactly("victimDetails");
        // Someone else's refused words are not kept on this report.
        assertThatThrownBy(() -> intake.saveField(report, otherOperator, "victimDetails", typed, 0))
                .isInstanceOf(ReportNotFound.class);

        intake.saveField(report, me, "situation", "POTENTIAL");
        assertThat(invalid(() -> intake.submit(report, me)).problems()).as("never submitted without those words")
                .containsOnlyKeys("victimDetails");

        intake.saveField(report, me, "victimDetails", "Testfirst Fakename works nights (fake)", 0);
        assertThat(intake.view(report, me).refused()).isEmpty();
        assertThat(stored(report).getRefusedEnc()).isNull();
        assertThat(intake.submit(report, me).status()).isEqualTo(HotlineReport.Status.SUBMITTED);
    }

    @Test
    void aSaveFromAStaleCopyOfAFieldIsRefusedWithTheValueStoredMeanwhile() {
        ReportId report = draft();
        assertThat(intake.saveField(report, me, "victimDetails", "Written in tab one (fake)", 0).fieldVersion())
                .isEqualTo(1);
        int rows = audit(report).size();

        FieldChangedMeanwhile stale = null;
        try {
            intake.saveField(report, me, "victimDetails", "Written in tab two (fake)", 0);
        } catch (FieldChangedMeanwhile e) {
            stale = e;
        }

        assertThat(stale).as("a stale save is refused").isNotNull();
        assertThat(stale.field()).isEqualTo("victimDetails");
        assertThat(stale.current()).isEqualTo("Written in tab one (fake)");
        assertThat(stale.fieldVersion()).isEqualTo(1);
        assertThat(stale.getMessage()).doesNotContain("tab one");
        assertThat(audit(report)).hasSize(rows + 1);
        assertThat(audit(report).getLast().getAction()).as("the stored value shown back").isEqualTo("READ");
        assertThat(intake.view(report, me).values()).containsEntry("victimDetails", "Written in tab one (fake)");

        // Other fields go on; the same value from a stale copy is no conflict.
        assertThat(intake.saveField(report, me, "situation", "POTENTIAL", 0).fieldVersion()).isEqualTo(1);
        assertThat(intake.saveField(report, me, "victimDetails", "Written in tab one (fake)", 0).fieldVersion())
                .isEqualTo(1);
        // Keeping one's own: saved from the version now stored.
        assertThat(intake.saveField(report, me, "victimDetails", "Written in tab two (fake)", 1).fieldVersion())
                .isEqualTo(2);
        assertThat(intake.view(report, me).fieldVersions()).containsEntry("victimDetails", 2)
                .containsEntry("situation", 1);
        assertThat(intake.view(report, me).values()).containsEntry("victimDetails", "Written in tab two (fake)");
    }

    @Test
    void validValuesAreStoredTypedAndEachSaveBumpsTheVersion() {
        ReportId report = draft();

        assertThat(intake.saveField(report, me, "situation", "OCCURRED")).isEqualTo(1);
        assertThat(intake.saveField(report, me, "periodFrom", "2024-05-01")).isEqualTo(2);
        assertThat(intake.saveField(report, me, "victimAge", "34")).isEqualTo(3);
        assertThat(intake.saveField(report, me, "victimCountryOfBirth", "jm")).isEqualTo(4);
        assertThat(intake.saveField(report, me, "traffickingTypes", List.of("LABOUR", "BEGGING", "LABOUR")))
                .isEqualTo(5);
        assertThat(intake.saveField(report, me, "place", CoreTestConfiguration.PLACES.getFirst())).isEqualTo(6);
        assertThat(intake.saveField(report, me, "anonymous", false)).isEqualTo(7);

        HotlineReportRecord row = stored(report);
        assertThat(row.getSituation()).isEqualTo("OCCURRED");
        assertThat(row.getPeriodFrom()).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(row.getVictimAge()).isEqualTo((short) 34);
        assertThat(row.getVictimCountryOfBirth()).isEqualTo("JM");
        assertThat(row.getTraffickingTypes()).containsExactly("LABOUR", "BEGGING");
        assertThat(row.getAnonymous()).isFalse();

        HotlineReport view = intake.view(report, me);
        assertThat(view.version()).isEqualTo(7);
        assertThat(view.status()).isEqualTo(HotlineReport.Status.DRAFT);
        assertThat(view.values()).containsEntry("situation", "OCCURRED")
                .containsEntry("periodFrom", LocalDate.of(2024, 5, 1)).containsEntry("victimAge", 34)
                .containsEntry("victimCountryOfBirth", "JM")
                .containsEntry("traffickingTypes", List.of("LABOUR", "BEGGING"))
                .containsEntry("place", CoreTestConfiguration.PLACES.getFirst()).containsEntry("anonymous", false);

        intake.saveField(report, me, "victimAge", "");
        intake.saveField(report, me, "traffickingTypes", List.of());
        HotlineReport cleared = intake.view(report, me);
        assertThat(cleared.values()).doesNotContainKey("victimAge").containsEntry("traffickingTypes", List.of());
        assertThat(stored(report).getVictimAge()).isNull();
        // Statistical fields are not personal data: saving them is not audited.
        assertThat(audit(report)).isEmpty();
    }

    @Test
    void personalFieldsAreEncryptedAtRestAndEveryChangeAndReadIsAudited() {
        ReportId report = draft();
        clock.advance(Duration.ofMinutes(1));
        intake.saveField(report, me, "victimDetails", SECRET_TEXT);
        intake.saveField(report, me, "contactFirstName", "Testfirst");
        intake.saveField(report, me, "contactPhone", "+1 (555) 010-0199");

        HotlineReportRecord row = stored(report);
        String raw = new String(row.getPersonalEnc(), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("Testfirst").doesNotContain("Fakename").doesNotContain("market")
                .doesNotContain("0100199").doesNotContain("victimDetails");
        assertThat(row.getUpdatedAt().toInstant()).isEqualTo(clock.instant());

        List<AuditLogRecord> changes = audit(report);
        assertThat(changes).extracting(AuditLogRecord::getAction).containsOnly("CHANGE");
        assertThat(changes).extracting(AuditLogRecord::getActor).containsOnly(me.username());
        assertThat(changes).extracting(r -> List.of(r.getFields()))
                .containsExactly(List.of("victimDetails"), List.of("contactFirstName"), List.of("contactPhone"));

        // The same value again is no change: no new version, no audit row.
        int version = stored(report).getVersion();
        assertThat(intake.saveField(report, me, "contactFirstName", "Testfirst")).isEqualTo(version);
        assertThat(audit(report)).hasSize(3);

        // Clearing is a change.
        intake.saveField(report, me, "contactPhone", null);
        assertThat(audit(report)).hasSize(4);
        assertThat(audit(report).getLast().getFields()).containsExactly("contactPhone");

        HotlineReport view = intake.view(report, me);
        assertThat(view.values()).containsEntry("victimDetails", SECRET_TEXT)
                .containsEntry("contactFirstName", "Testfirst").doesNotContainKey("contactPhone");
        AuditLogRecord read = audit(report).getLast();
        assertThat(read.getAction()).isEqualTo("READ");
        assertThat(read.getActor()).isEqualTo(me.username());
        assertThat(read.getFields()).containsExactlyInAnyOrder("victimDetails", "contactFirstName");

        intake.view(report, me);
        assertThat(audit(report)).filteredOn(r -> r.getAction().equals("READ")).hasSize(2);
    }

    @Test
    void personalDataCopiedOntoAnotherReportDoesNotDecrypt() {
        ReportId original = draft();
        intake.saveField(original, me, "victimDetails", SECRET_TEXT);
        ReportId target = draft();

        db.update(HOTLINE_REPORT).set(HOTLINE_REPORT.PERSONAL_ENC, stored(original).getPersonalEnc())
                .where(HOTLINE_REPORT.ID.eq(target.value())).execute();

        assertThatThrownBy(() -> intake.view(target, me)).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("Fakename");
        assertThat(intake.view(original, me).values()).containsEntry("victimDetails", SECRET_TEXT);
    }

    @Test
    void anOperatorCanNeitherReadNorChangeAnotherOperatorsReport() {
        ReportId report = draft();
        intake.saveField(report, me, "victimDetails", SECRET_TEXT);
        int auditRows = audit(report).size();

        assertThatThrownBy(() -> intake.view(report, otherOperator)).isInstanceOf(ReportNotFound.class);
        assertThatThrownBy(() -> intake.saveField(report, otherOperator, "situation", "POTENTIAL"))
                .isInstanceOf(ReportNotFound.class);
        assertThatThrownBy(() -> intake.submit(report, otherOperator)).isInstanceOf(ReportNotFound.class);
        assertThatThrownBy(() -> intake.view(report, admin)).isInstanceOf(ReportNotFound.class);
        // An unknown report looks exactly the same.
        assertThatThrownBy(() -> intake.view(new ReportId(UUID.randomUUID()), me))
                .isInstanceOf(ReportNotFound.class);

        assertThat(stored(report).getSituation()).isNull();
        assertThat(audit(report)).hasSize(auditRows);
    }

    @Test
    void supervisorsCanReadEveryReportAndTheirReadingIsAudited() {
        ReportId report = draft();
        intake.saveField(report, me, "victimDetails", SECRET_TEXT);

        assertThat(intake.view(report, supervisor).values()).containsEntry("victimDetails", SECRET_TEXT);
        assertThat(audit(report)).filteredOn(r -> r.getAction().equals("READ"))
                .extracting(AuditLogRecord::getActor).containsExactly(supervisor.username());
        assertThat(intake.view(report, supervisor).operatorName()).isEqualTo(operator.displayName());
        assertThat(intake.view(report, supervisor).personalHidden()).isFalse();

        // Reading is not editing: only the operator the call rang at fills in the form.
        assertThatThrownBy(() -> intake.saveField(report, supervisor, "situation", "POTENTIAL"))
                .isInstanceOf(ReportNotFound.class);
        // A draft is no registry case yet: for data managers it does not exist.
        assertThatThrownBy(() -> intake.view(report, dataManager)).isInstanceOf(ReportNotFound.class);
    }

    /**
     * The registry's rule, as for online and screening reports: every data manager may see what a submitted
     * report says without naming anyone, its personal fields only the data manager of the case it became and the
     * leader, each such read audited.
     */
    @Test
    void aDataManagerReadsAHotlineReportsPersonalFieldsOnlyWhenItsCaseIsTheirs() {
        Actor leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        Actor otherDataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        ReportId report = draft();
        intake.saveField(report, me, "situation", "POTENTIAL");
        intake.saveField(report, me, "victimDetails", SECRET_TEXT);
        intake.submit(report, me);
        Registry registry = context.getBean(Registry.class);
        CaseId caseId = registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow().id();
        int readsBefore = reads(report).size();

        HotlineReport unassigned = intake.view(report, dataManager);
        assertThat(unassigned.personalHidden()).isTrue();
        assertThat(unassigned.values()).containsEntry("situation", "POTENTIAL").doesNotContainKey("victimDetails");
        assertThat(unassigned.toString()).doesNotContain("test market");
        assertThat(reads(report)).as("nothing personal was read").hasSize(readsBefore);

        HotlineReport asLeader = intake.view(report, leader);
        assertThat(asLeader.personalHidden()).isFalse();
        assertThat(asLeader.values()).containsEntry("victimDetails", SECRET_TEXT);

        registry.assign(caseId, dataManager.id(), leader);
        assertThat(intake.view(report, dataManager).values()).containsEntry("victimDetails", SECRET_TEXT);
        assertThat(intake.view(report, otherDataManager).values()).doesNotContainKey("victimDetails");
        assertThat(reads(report).subList(readsBefore, reads(report).size()))
                .extracting(AuditLogRecord::getActor, r -> List.of(r.getFields()))
                .containsExactly(tuple(leader.username(), List.of("victimDetails")),
                        tuple(dataManager.username(), List.of("victimDetails")));
        // Everyone else still sees nothing: another operator, an administrator.
        assertThatThrownBy(() -> intake.view(report, otherOperator)).isInstanceOf(ReportNotFound.class);
        assertThatThrownBy(() -> intake.view(report, admin)).isInstanceOf(ReportNotFound.class);
    }

    private List<AuditLogRecord> reads(ReportId id) {
        return audit(id).stream().filter(r -> r.getAction().equals("READ")).toList();
    }

    @Test
    void submitRequiresTheSituation() {
        ReportId report = draft();

        InvalidField e = invalid(() -> intake.submit(report, me));

        assertThat(e.problems()).containsOnlyKeys("situation");
        assertThat(stored(report).getStatus()).isEqualTo("DRAFT");
        assertThat(events.ofType(HotlineReport.Submitted.class)).isEmpty();
    }

    @Test
    void contactDetailsWithoutConsentAreRefusedOnSubmit() {
        ReportId report = draft();
        intake.saveField(report, me, "situation", "POTENTIAL");
        intake.saveField(report, me, "contactFirstName", "Testfirst");
        intake.saveField(report, me, "contactPhone", "+1 (555) 010-0199");

        assertThat(invalid(() -> intake.submit(report, me)).problems())
                .containsOnlyKeys("contactFirstName", "contactPhone");

        intake.saveField(report, me, "contactConsent", false);
        assertThat(invalid(() -> intake.submit(report, me)).problems())
                .containsOnlyKeys("contactFirstName", "contactPhone");

        intake.saveField(report, me, "contactConsent", true);
        intake.saveField(report, me, "anonymous", true);
        assertThat(invalid(() -> intake.submit(report, me)).problems()).containsOnlyKeys("contactConsent");

        assertThat(stored(report).getStatus()).isEqualTo("DRAFT");
    }

    @Test
    void rulesAcrossFieldsAreCheckedOnSubmit() {
        ReportId report = draft();
        intake.saveField(report, me, "situation", "OCCURRED");
        intake.saveField(report, me, "traffickingTypes", List.of("OTHER"));
        intake.saveField(report, me, "reportedTo", "OTHER_AGENCY");

        assertThat(invalid(() -> intake.submit(report, me)).problems())
                .containsOnlyKeys("traffickingOther", "reportedToAgency");

        intake.saveField(report, me, "traffickingOther", "Testkind of exploitation");
        intake.saveField(report, me, "reportedToAgency", "Test Agency");
        assertThat(intake.submit(report, me).status()).isEqualTo(HotlineReport.Status.SUBMITTED);
    }

    @Test
    void aPeriodThatEndsBeforeItStartsIsRefusedAsAFieldProblem() {
        ReportId report = draft();
        intake.saveField(report, me, "periodFrom", "2024-05-10");

        assertThat(invalid(() -> intake.saveField(report, me, "periodTo", "2024-05-01")).problems())
                .containsOnlyKeys("periodTo");
        intake.saveField(report, me, "periodTo", "2024-05-20");
        assertThat(invalid(() -> intake.saveField(report, me, "periodFrom", "2024-05-21")).problems())
                .containsOnlyKeys("periodFrom");

        HotlineReportRecord row = stored(report);
        assertThat(row.getPeriodFrom()).isEqualTo(LocalDate.of(2024, 5, 10));
        assertThat(row.getPeriodTo()).isEqualTo(LocalDate.of(2024, 5, 20));
        assertThat(row.getVersion()).isEqualTo(2);
    }

    @Test
    void aSubmittedReportIsFinal() {
        ReportId report = draft();
        intake.saveField(report, me, "situation", "POTENTIAL");
        intake.saveField(report, me, "contactConsent", true);
        intake.saveField(report, me, "contactFirstName", "Testfirst");
        Instant submittedAt = clock.advance(Duration.ofMinutes(12));

        HotlineReport submitted = intake.submit(report, me);

        assertThat(submitted.status()).isEqualTo(HotlineReport.Status.SUBMITTED);
        assertThat(submitted.submittedAt()).isEqualTo(submittedAt);
        assertThat(submitted.version()).isEqualTo(4);
        assertThat(submitted.values()).containsEntry("contactFirstName", "Testfirst");
        HotlineReportRecord row = stored(report);
        assertThat(row.getStatus()).isEqualTo("SUBMITTED");
        assertThat(row.getSubmittedAt().toInstant()).isEqualTo(submittedAt);
        var trail = audit(report);
        assertThat(trail.get(trail.size() - 2).getAction()).isEqualTo("CHANGE");
        assertThat(trail.get(trail.size() - 2).getFields()).containsExactly("status");
        assertThat(trail.getLast().getAction()).as("the submitted report shown back is a read").isEqualTo("READ");
        assertThat(trail.getLast().getFields()).containsExactly("contactFirstName");
        assertThat(events.ofType(HotlineReport.Submitted.class))
                .containsExactly(new HotlineReport.Submitted(report, submitted.call(), me.id()));

        assertThatThrownBy(() -> intake.saveField(report, me, "situation", "OCCURRED"))
                .isInstanceOf(ReportAlreadySubmitted.class);
        assertThatThrownBy(() -> intake.saveField(report, me, "contactFirstName", null))
                .isInstanceOf(ReportAlreadySubmitted.class);
        // Submitting again (a double click, a retry after a lost answer) answers as the first time, nothing twice.
        HotlineReport again = intake.submit(report, me);
        assertThat(again.submittedAt()).isEqualTo(submittedAt);
        assertThat(again.version()).isEqualTo(4);
        assertThat(events.ofType(HotlineReport.Submitted.class)).hasSize(1);
        assertThat(audit(report)).filteredOn(r -> r.getAction().equals("CHANGE")
                && List.of(r.getFields()).equals(List.of("status"))).hasSize(1);
        assertThat(stored(report).getSituation()).isEqualTo("POTENTIAL");
        assertThat(stored(report).getVersion()).isEqualTo(4);
        assertThat(intake.drafts(me)).extracting(Intake.DraftSummary::report).doesNotContain(report);
        assertThat(intake.view(report, me).status()).isEqualTo(HotlineReport.Status.SUBMITTED);

        // A late ringing report for the call does not reopen or hand over the submitted report.
        intake.on(new Call.Ringing(submitted.call(), otherOperator.id(), clock.instant()));
        assertThat(stored(report).getOperatorId()).isEqualTo(me.id().value());
        assertThat(stored(report).getStatus()).isEqualTo("SUBMITTED");
    }
}
