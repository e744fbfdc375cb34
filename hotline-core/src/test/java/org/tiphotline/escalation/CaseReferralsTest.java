package org.tiphotline.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.online.OnlineReports;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.registry.CaseId;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;
import org.tiphotline.screening.Screenings;
import org.tiphotline.testing.FakeData;

/**
 * A victim under 18 reaches child protection whichever channel brought the case, once per case and agency, and a
 * case whose hotline report was referred already is not referred twice.
 */
@SpringJUnitConfig(EscalationsTest.Config.class)
class CaseReferralsTest {

    private static final String CHILD_PROTECTION = "test-child-protection";

    @Autowired
    private Escalations escalations;
    @Autowired
    private Screenings screenings;
    @Autowired
    private OnlineReports onlineReports;
    @Autowired
    private Registry registry;
    @Autowired
    private Intake intake;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private org.tiphotline.calls.Calls calls;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private AlertDispatcher dispatcher;
    @Autowired
    private EscalationsTest.RecordingChannel emails;
    @Autowired
    private org.tiphotline.testing.MutableClock clock;

    private Actor reporter;
    private Actor leader;

    @BeforeEach
    void start() {
        reporter = FakeData.actor(FakeData.user(operators, Role.AGENCY_REPORTER));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
    }

    @Test
    void aScreeningFormAboutAChildIsReferredToChildProtectionWithTheCase() {
        CaseId child = screeningCase(15);
        Escalation referral = referrals(child).getFirst();
        assertThat(referrals(child)).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(Escalation.Source.RULE);
            assertThat(e.reason()).isEqualTo("rule: " + ProtectionRules.MINOR);
            assertThat(e.call()).isNull();
        });
        assertThat(referrals(screeningCase(30))).isEmpty();

        // The agency's alert says what the case says, naming no one.
        while (dispatcher.dispatch() > 0) {
            continue;
        }
        AlertPacket packet = emails.packets.stream().filter(p -> p.escalation().equals(referral.id().toString()))
                .findFirst().orElseThrow();
        assertThat(packet.situation()).isEqualTo(new AlertPacket.Situation(
                org.tiphotline.testing.CoreTestConfiguration.PLACES.get(0), List.of("CHILD_LABOUR"), true, null,
                null));
        assertThat(packet.identifying()).isNull();
        assertThat(packet.toString()).doesNotContain("Testnurse");
    }

    @Test
    void anAgeADataManagerRecordsRefersTheCaseOnce() {
        CaseId adult = screeningCase(null);
        assertThat(referrals(adult)).isEmpty();
        registry.saveField(adult, leader, "age", 16);
        registry.saveField(adult, leader, "age", 15);
        assertThat(referrals(adult)).hasSize(1);
    }

    @Test
    void anOnlineReportTickingUnder18IsReferredWithoutAnAge() {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("traffickingTypes", List.of("CHILD_LABOUR"));
        answers.put("victimDescriptors", List.of("UNDER_18", "GROUP_OF_PEOPLE"));
        answers.put("anonymous", true);
        String reference = onlineReports.submit("en", answers).reference();
        java.util.UUID report = db.select(org.tiphotline.db.Tables.ONLINE_REPORT.ID)
                .from(org.tiphotline.db.Tables.ONLINE_REPORT)
                .where(org.tiphotline.db.Tables.ONLINE_REPORT.REFERENCE.eq(reference))
                .fetchOne(org.tiphotline.db.Tables.ONLINE_REPORT.ID);
        CaseId c = registry.caseOf(new CaseSource.Online(report)).orElseThrow().id();
        assertThat(referrals(c)).hasSize(1);
    }

    @Test
    void aHotlineReportReferredWhileTypedIsNotReferredAgainAsACase() {
        Actor operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        CallId call = answeredCall(operator);
        ReportId report = intake.reportOf(call).orElseThrow();
        intake.saveField(report, operator, "situation", "POTENTIAL");
        intake.saveField(report, operator, "victimAge", 14);
        intake.submit(report, operator);

        CaseId c = registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow().id();
        assertThat(escalations.about(call, report)).filteredOn(e -> e.agency().equals(CHILD_PROTECTION)).hasSize(1);
        registry.saveField(c, leader, "age", 14);
        assertThat(referrals(c)).as("the report's referral stands for the case").isEmpty();
    }

    @Test
    void everyStepOfACaseReferralIsWrittenIntoTheCaseHistoryWithoutItsNote() {
        CaseId child = screeningCase(15);
        Escalation referral = referrals(child).getFirst();
        org.tiphotline.operators.Operator liaisonUser = FakeData.liaison(operators, CHILD_PROTECTION);
        org.tiphotline.operators.Operator supervisorUser = FakeData.user(operators, Role.SUPERVISOR);
        Actor liaison = FakeData.actor(liaisonUser);
        Actor supervisor = FakeData.actor(supervisorUser);
        escalations.recordOutcome(referral.id(), CHILD_PROTECTION, liaison, Escalation.Outcome.VICTIM_REMOVED,
                "placed with Testfoster Fakename");
        escalations.close(referral.id(), supervisor.id(), "done");

        List<Registry.Event> steps = escalationEvents(child);
        assertThat(steps).extracting(e -> e.detail().get("step"))
                .containsExactly("RAISED", "ACKNOWLEDGED", "OUTCOME", "CLOSED");
        assertThat(steps).allSatisfy(e -> {
            assertThat(e.detail()).containsEntry("escalation", referral.id().toString())
                    .containsEntry("agency", CHILD_PROTECTION);
        });
        assertThat(steps.get(2).detail()).containsEntry("outcome", "VICTIM_REMOVED");
        assertThat(steps.get(2).actorName()).isEqualTo(liaisonUser.displayName());
        assertThat(steps.get(3).actorName()).isEqualTo(supervisorUser.displayName());
        assertThat(registry.history(child, leader).toString()).doesNotContain("Testfoster");
    }

    @Test
    void anEscalationRaisedDuringTheCallReachesTheCaseWithItsStateAndThenEachStep() {
        Actor operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        CallId call = answeredCall(operator);
        ReportId report = intake.reportOf(call).orElseThrow();
        Escalation.Id police = escalations.raise(call, report, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "test reason", operator.id());
        Actor officer = FakeData.actor(FakeData.liaison(operators, "test-police"));
        escalations.acknowledge(police, "test-police", officer.id());
        intake.saveField(report, operator, "situation", "POTENTIAL");
        intake.submit(report, operator);

        CaseId c = registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow().id();
        assertThat(escalationEvents(c)).singleElement().satisfies(e -> assertThat(e.detail())
                .containsEntry("step", "STATE").containsEntry("status", "ACKNOWLEDGED")
                .containsEntry("escalation", police.toString()));

        escalations.recordOutcome(police, "test-police", officer, Escalation.Outcome.OFFICERS_DISPATCHED, null);
        assertThat(escalationEvents(c)).last().satisfies(e -> assertThat(e.detail())
                .containsEntry("step", "OUTCOME").containsEntry("outcome", "OFFICERS_DISPATCHED"));
        // The call log keeps it too, the case and the call pointing at the same outcome.
        assertThat(calls.load(call).orElseThrow().events().toString()).contains("OFFICERS_DISPATCHED");
    }

    @Test
    void aMinorIsReferredToChildProtectionAlongsideThePoliceEscalationOfTheSameCall() {
        Actor operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        CallId call = answeredCall(operator);
        ReportId report = intake.reportOf(call).orElseThrow();
        escalations.raise(call, report, "test-police", Escalation.Level.IMMEDIATE, Escalation.Danger.VIOLENCE,
                "test reason", operator.id());
        intake.saveField(report, operator, "victimAge", 15);
        assertThat(escalations.about(call, report)).extracting(Escalation::agency, Escalation::source)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("test-police", Escalation.Source.OPERATOR),
                        org.assertj.core.groups.Tuple.tuple(CHILD_PROTECTION, Escalation.Source.RULE));
    }

    private CallId answeredCall(Actor operator) {
        CallRef ref = FakeData.newCallRef();
        CallId call = switchboard.arrived(ref, null, FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrCompleted(ref);
        switchboard.offered(call, operator.id());
        intake.on(new Call.Ringing(call, operator.id(), clock.instant()));
        return call;
    }

    private List<Registry.Event> escalationEvents(CaseId c) {
        return registry.history(c, leader).stream().filter(e -> e.type().equals("ESCALATION")).toList();
    }

    private CaseId screeningCase(Integer age) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("situation", "POTENTIAL");
        form.put("place", org.tiphotline.testing.CoreTestConfiguration.PLACES.get(0));
        form.put("traffickingTypes", List.of("CHILD_LABOUR"));
        form.put("reporterName", "Testnurse Fakename");
        if (age != null) {
            form.put("victimAge", age);
        }
        String reference = screenings.submit(form, reporter).reference();
        java.util.UUID id = db.select(SCREENING_REPORT.ID).from(SCREENING_REPORT)
                .where(SCREENING_REPORT.REFERENCE.eq(reference)).fetchOne(SCREENING_REPORT.ID);
        return registry.caseOf(new CaseSource.Screening(id)).orElseThrow().id();
    }

    /** The rule's referrals raised about the case itself. */
    private List<Escalation> referrals(CaseId c) {
        return escalations.unclosed().stream()
                .filter(e -> c.equals(e.caseId()) && e.agency().equals(CHILD_PROTECTION)).toList();
    }
}
