package org.tiphotline.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_DISCLOSURE;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.db.tables.records.AuditLogRecord;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.RecordedEvents;

/**
 * What an alert may say about people. Nothing identifying leaves without the caller's recorded consent or an
 * override that only a minor victim or an imminent danger allows; every decision and every alert that carried
 * details has an audit row; the ground is checked again at each alert. Also: the outcome's note is encrypted
 * and its read audited, each step lands in the call's timeline, and the IVR's danger answer alerts the police.
 */
@SpringJUnitConfig(EscalationsTest.Config.class)
class DisclosuresTest {

    /** An operator's reason that names someone, as real ones will. */
    private static final String REASON = "Testvictim Fakename is locked in the back room of the test bar";

    /** Obviously fake identifying details, one per identifying field, to look for in everything that leaves. */
    private static final Map<String, String> FAKE_DETAILS = new LinkedHashMap<>();

    static {
        FAKE_DETAILS.put("locationDetail", "Fakeville, behind the test warehouse 0");
        FAKE_DETAILS.put("victimDetails", "Fakevictim Testperson, red test jacket");
        FAKE_DETAILS.put("exploitationDescription", "made to work (fake description)");
        FAKE_DETAILS.put("traffickerInfo", "Faketrafficker Nobody (fake)");
        FAKE_DETAILS.put("callerLocality", "Testtown");
        FAKE_DETAILS.put("contactFirstName", "Testfirst");
        FAKE_DETAILS.put("contactLastName", "Fakecaller");
        FAKE_DETAILS.put("contactPhone", "+1 555 0100 999");
    }

    @Autowired
    private Escalations escalations;
    @Autowired
    private AlertRounds rounds;
    @Autowired
    private Disclosures disclosures;
    @Autowired
    private AlertDispatcher dispatcher;
    @Autowired
    private EscalationsTest.RecordingChannel webhooks;
    @Autowired
    private EscalationsTest.RecordingChannel emails;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Calls calls;
    @Autowired
    private Intake intake;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;
    @Autowired
    private RecordedEvents events;

    private Actor operator;
    private Actor liaison;
    private CallRef ref;
    private CallId call;
    private ReportId report;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START.plus(Duration.ofDays(500)));
        db.update(ESCALATION).set(ESCALATION.STATUS, "CLOSED").set(ESCALATION.CLOSED_AT, ESCALATION.RAISED_AT)
                .set(ESCALATION.CLOSED_REASON, "test cleanup").setNull(ESCALATION.NEXT_ALERT_AT)
                .where(ESCALATION.STATUS.ne("CLOSED")).execute();
        while (dispatcher.dispatch() > 0) {
            continue;
        }
        webhooks.packets.clear();
        emails.packets.clear();
        events.clear();
        operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        liaison = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR, "en"));
        ref = FakeData.newCallRef();
        call = switchboard.arrived(ref, FakeData.phone(77), FakeData.HOTLINE_NUMBER);
        report = intake.openDraft(call, operator.id());
        save("place", "Test Parish North");
        save("traffickingTypes", List.of("LABOUR"));
        save("peopleInvolved", 3);
        save("contactConsent", true);
        FAKE_DETAILS.forEach(this::save);
    }

    @Test
    void withoutConsentOrOverrideTheAlertSaysWhatRespondersNeedAndNothingIdentifying() {
        Escalation.Id id = raise("test-police", Escalation.Level.IMMEDIATE);
        dispatcher.dispatch();

        AlertPacket packet = only(webhooks.packets, id);
        assertThat(packet.situation()).isEqualTo(new AlertPacket.Situation("Test Parish North", List.of("LABOUR"),
                null, 3, null));
        assertThat(packet.disclosure()).isNull();
        assertThat(packet.identifying()).isNull();
        assertNothingIdentifyingIn(packet);
        assertThat(exports()).isEmpty();
    }

    @Test
    void consentMustBeRecordedBeforeItCanBeTheGroundAndThenTheDetailsGoOutAtOnceWithAnExportRow() {
        Escalation.Id id = raise("test-police", Escalation.Level.URGENT);
        dispatcher.dispatch();

        assertThatThrownBy(() -> disclosures.authorise(id, Escalation.Disclosure.CONSENT, null, operator))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no consent");
        assertThat(db.fetchCount(ESCALATION_DISCLOSURE, ESCALATION_DISCLOSURE.ESCALATION_ID.eq(id.value())))
                .as("a refusal stores nothing").isZero();

        save("shareConsent", true);
        assertThat(disclosures.authorise(id, Escalation.Disclosure.CONSENT, null, operator))
                .isEqualTo(Escalation.Disclosure.CONSENT);
        assertThat(dispatcher.dispatch()).as("the details leave now, not at the next deadline").isEqualTo(1);

        List<AlertPacket> sent = webhooks.packets.stream().filter(p -> p.escalation().equals(id.toString())).toList();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).disclosure()).isEqualTo(Escalation.Disclosure.CONSENT);
        Map<String, String> withReason = new java.util.LinkedHashMap<>(FAKE_DETAILS);
        withReason.put("escalationReason", REASON);
        assertThat(sent.get(1).identifying()).isEqualTo(withReason);
        assertThat(sent.get(0).danger()).as("what every alert says instead of the operator's words")
                .isEqualTo(Escalation.Danger.CONFINEMENT);
        AuditLogRecord export = exports().getFirst();
        assertThat(export.getActor()).isEqualTo("alert:test-police");
        assertThat(export.getEntityId()).isEqualTo(report.toString());
        assertThat(export.getFields()).containsExactlyInAnyOrderElementsOf(FAKE_DETAILS.keySet());
        assertThat(db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("escalation"))
                .and(AUDIT_LOG.ENTITY_ID.eq(id.toString())).orderBy(AUDIT_LOG.ID)
                .fetch(r -> r.getActor() + " " + r.getAction() + " " + String.join(",", r.getFields())))
                .as("who allowed it, then the operator's words leaving with the details")
                .containsExactly(operator.username() + " CHANGE disclosure:CONSENT", "alert:test-police EXPORT reason");

        // The caller changes their mind: the next round carries nothing identifying again.
        save("shareConsent", false);
        nextWebhookRound();
        AlertPacket reminder = webhooks.packets.getLast();
        assertThat(reminder.round()).isEqualTo(3);
        assertThat(reminder.identifying()).isNull();
        assertThat(reminder.disclosure()).isNull();
        assertNothingIdentifyingIn(reminder);
        assertThat(exports()).hasSize(1);
    }

    @Test
    void theMinorOverrideNeedsAVictimUnder18AndAJustificationAndSupervisorsSeeIt() {
        Escalation.Id id = raise("test-police", Escalation.Level.URGENT);
        save("victimAge", 25);
        assertThatThrownBy(() -> disclosures.authorise(id, Escalation.Disclosure.OVERRIDE_MINOR,
                "the child is held at the site tonight", operator)).hasMessageContaining("under 18");
        save("victimAge", 15);
        assertThatThrownBy(() -> disclosures.authorise(id, Escalation.Disclosure.OVERRIDE_MINOR, "because",
                operator)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("justification");
        assertThatThrownBy(() -> disclosures.authorise(id, Escalation.Disclosure.OVERRIDE_IMMINENT_DANGER,
                "the child is held at the site tonight", operator)).hasMessageContaining("IMMEDIATE");
        assertThat(db.fetchCount(ESCALATION_DISCLOSURE, ESCALATION_DISCLOSURE.ESCALATION_ID.eq(id.value()))).isZero();

        disclosures.authorise(id, Escalation.Disclosure.OVERRIDE_MINOR, "the child is held at the site tonight",
                operator);
        assertThat(disclosures.overrides(20)).filteredOn(o -> o.escalation().equals(id)).singleElement()
                .satisfies(o -> {
                    assertThat(o.basis()).isEqualTo(Escalation.Disclosure.OVERRIDE_MINOR);
                    assertThat(o.justification()).isEqualTo("the child is held at the site tonight");
                    assertThat(o.decidedBy()).startsWith("Testfirst Fakename-");
                });
        assertThat(events.ofType(Escalation.DisclosureAuthorised.class)).containsExactly(
                new Escalation.DisclosureAuthorised(id, "test-police", Escalation.Disclosure.OVERRIDE_MINOR,
                        operator.id()));
        assertThatThrownBy(() -> disclosures.authorise(id, Escalation.Disclosure.CONSENT, null, operator))
                .hasMessageContaining("already allowed");

        dispatcher.dispatch();
        assertThat(webhooks.packets.getLast().identifying()).containsAllEntriesOf(FAKE_DETAILS)
                .containsEntry("escalationReason", REASON).hasSize(FAKE_DETAILS.size() + 1);

        // The age was a typing error: the override's ground is gone, so are the details.
        save("victimAge", 19);
        nextWebhookRound();
        assertThat(webhooks.packets.getLast().round()).isEqualTo(3);
        assertThat(webhooks.packets.getLast().identifying()).isNull();
    }

    @Test
    void theImminentDangerOverrideAppliesToImmediateEscalations() {
        Escalation.Id id = raise("test-police", Escalation.Level.IMMEDIATE);
        disclosures.authorise(id, Escalation.Disclosure.OVERRIDE_IMMINENT_DANGER,
                "caller says the door is locked and the men return within the hour", operator);
        dispatcher.dispatch();
        AlertPacket withDetails = webhooks.packets.stream()
                .filter(p -> p.escalation().equals(id.toString()) && p.identifying() != null).findFirst().orElseThrow();
        assertThat(withDetails.disclosure()).isEqualTo(Escalation.Disclosure.OVERRIDE_IMMINENT_DANGER);
        assertThat(exports()).isNotEmpty();
    }

    @Test
    void eMailNeverCarriesIdentifyingDetailsItSaysWhereToReadThem() {
        save("shareConsent", true);
        Escalation.Id id = raise("test-child-protection", Escalation.Level.URGENT);
        disclosures.authorise(id, Escalation.Disclosure.CONSENT, null, operator);
        dispatcher.dispatch();

        List<AlertPacket> sent = emails.packets.stream().filter(p -> p.escalation().equals(id.toString())).toList();
        assertThat(sent).isNotEmpty().allSatisfy(p -> {
            assertThat(p.identifying()).isNull();
            assertNothingIdentifyingIn(p);
        });
        assertThat(sent.getLast().identifyingWithheld()).contains("liaison view");
        assertThat(exports()).isEmpty();
    }

    @Test
    void theOutcomeNoteIsEncryptedItsReadAuditedAndEveryStepIsInTheCallTimeline() {
        Escalation.Id id = raise("test-police", Escalation.Level.IMMEDIATE);
        escalations.acknowledge(id, "test-police", liaison.id());
        assertThatThrownBy(() -> escalations.recordOutcome(id, "test-police", liaison,
                Escalation.Outcome.NO_ACTION, " ")).hasMessageContaining("say why");
        escalations.recordOutcome(id, "test-police", liaison, Escalation.Outcome.VICTIM_REMOVED,
                "Fakevictim Testperson placed in a test shelter");
        escalations.close(id, liaison.id(), "done");

        byte[] stored = db.select(ESCALATION.OUTCOME_NOTE_ENC).from(ESCALATION).where(ESCALATION.ID.eq(id.value()))
                .fetchOne(ESCALATION.OUTCOME_NOTE_ENC);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Fakevictim");
        assertThat(escalations.outcomeNote(id, operator)).contains("Fakevictim Testperson placed in a test shelter");
        assertThat(db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("escalation"))
                .and(AUDIT_LOG.ENTITY_ID.eq(id.toString())).and(AUDIT_LOG.ACTION.eq("READ")).fetch(AUDIT_LOG.ACTOR))
                .containsExactly(operator.username());

        List<CallEvent> steps = calls.load(call).orElseThrow().events().stream()
                .filter(e -> e.type() == CallEventType.ESCALATION_STEP).toList();
        assertThat(steps).extracting(e -> e.detail("step"))
                .containsExactly("RAISED", "ACKNOWLEDGED", "OUTCOME", "CLOSED");
        assertThat(steps.get(2).detail("outcome")).isEqualTo("VICTIM_REMOVED");
        assertThat(steps).allSatisfy(e -> assertThat(e.detail().toString()).doesNotContain("Fakevictim"));
        assertThat(calls.load(call).orElseThrow().state()).as("the steps do not change the call's state")
                .isEqualTo(org.tiphotline.calls.CallState.IVR);
    }

    @Test
    void aCallersYesToImmediateDangerAlertsThePoliceOnceAndSilenceDoesNot() {
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "YES");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "YES");
        List<Escalation> raised = escalations.about(call, null);
        assertThat(raised).singleElement().satisfies(e -> {
            assertThat(e.agency()).isEqualTo("test-police");
            assertThat(e.source()).isEqualTo(Escalation.Source.IVR);
            assertThat(e.level()).isEqualTo(Escalation.Level.IMMEDIATE);
        });

        CallRef silent = FakeData.newCallRef();
        CallId silentCall = switchboard.arrived(silent, FakeData.phone(78), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(silent, IvrQuestion.IMMEDIATE_DANGER, "NO_INPUT");
        assertThat(calls.load(silentCall).orElseThrow().urgent()).as("still routed first").isTrue();
        assertThat(escalations.about(silentCall, null)).as("but nobody is alerted for silence").isEmpty();
        assertThat(events.ofType(Call.DangerReported.class)).extracting(Call.DangerReported::call).containsOnly(call);
    }

    private Escalation.Id raise(String agency, Escalation.Level level) {
        return escalations.raise(call, report, agency, level, Escalation.Danger.CONFINEMENT, REASON, operator.id());
    }

    /** Nobody acknowledges an URGENT escalation: round 2 goes by text message, round 3 by webhook again. */
    private void nextWebhookRound() {
        clock.advance(Duration.ofMinutes(15));
        rounds.alertOverdue();
        clock.advance(Duration.ofMinutes(3));
        rounds.alertOverdue();
        dispatcher.dispatch();
    }

    private void save(String field, Object value) {
        intake.saveField(report, operator, field, value);
    }

    private List<AuditLogRecord> exports() {
        return db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ACTION.eq("EXPORT"))
                .and(AUDIT_LOG.ENTITY_ID.eq(report.toString())).orderBy(AUDIT_LOG.ID).fetch();
    }

    private static AlertPacket only(List<AlertPacket> packets, Escalation.Id id) {
        return packets.stream().filter(p -> p.escalation().equals(id.toString())).reduce((a, b) -> {
            throw new AssertionError("more than one alert for " + id);
        }).orElseThrow();
    }

    private static void assertNothingIdentifyingIn(AlertPacket packet) {
        String all = packet.toString();
        FAKE_DETAILS.values().forEach(v -> assertThat(all).doesNotContain(v));
        assertThat(all).as("the operator's words may name people").doesNotContain("Testvictim");
        assertThat(all).doesNotContain("0100 999").doesNotContain("0177");
    }
}
