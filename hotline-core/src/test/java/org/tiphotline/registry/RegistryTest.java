package org.tiphotline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CASE_CONSENT;
import static org.tiphotline.db.Tables.CASE_CONSENT_ANSWER;
import static org.tiphotline.db.Tables.CASE_EVENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
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
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * The registry on the real test database: a submitted hotline report becomes a potential case (at once, or by the
 * sweep after a crash), statuses move only along the allowed paths with who and when kept, and need to know holds
 * (only data managers open cases; personal fields only for the assigned one and the leader, each read audited).
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RegistryTest {

    @Autowired
    private Registry registry;
    @Autowired
    private Intake intake;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private org.tiphotline.calllog.CallLog callLog;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;
    @Autowired
    private ConsentSealing sealing;

    private Actor operator;
    private Actor dataManager;
    private Actor otherDataManager;
    private Actor leader;
    private Actor supervisor;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START.plus(Duration.ofDays(600)));
        operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        otherDataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        supervisor = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR, "en"));
    }

    /** A hotline report this test's operator filled and submitted; returns it. */
    private ReportId submittedHotlineReport() {
        CallRef ref = FakeData.newCallRef();
        CallId call = switchboard.arrived(ref, FakeData.phone(61), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrCompleted(ref);
        switchboard.offered(call, operator.id());
        intake.on(new Call.Ringing(call, operator.id(), clock.instant()));
        ReportId report = intake.reportOf(call).orElseThrow();
        intake.saveField(report, operator, "situation", "POTENTIAL");
        intake.saveField(report, operator, "place", CoreTestConfiguration.PLACES.get(0));
        intake.saveField(report, operator, "victimSex", "FEMALE");
        intake.saveField(report, operator, "victimAge", 24);
        intake.saveField(report, operator, "traffickingTypes", List.of("DOMESTIC_LABOUR"));
        intake.submit(report, operator);
        return report;
    }

    @Test
    void aSubmittedHotlineReportBecomesAPotentialCaseWithItsStatisticalFieldsAndItsHistory() {
        ReportId report = submittedHotlineReport();
        Registry.Created created = registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow();
        assertThat(created.reference()).matches("C-\\d{4}-\\d{6,}");

        Registry.RegistryCase c = registry.view(created.id(), leader);
        assertThat(c.status()).isEqualTo(CaseStatus.POTENTIAL);
        assertThat(c.values()).containsEntry("sex", "FEMALE").containsEntry("age", 24)
                .containsEntry("place", CoreTestConfiguration.PLACES.get(0))
                .containsEntry("exploitationTypes", List.of("DOMESTIC_LABOUR"));
        assertThat(c.sources()).extracting(Registry.Source::channel, Registry.Source::report)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CaseSource.Channel.HOTLINE, report.value()));
        assertThat(registry.history(created.id(), leader)).extracting(Registry.Event::type)
                .containsExactly("CREATED", "SOURCE_LINKED");
        // The case points at the call, and the call log at the case.
        CallId call = new CallId(c.sources().getFirst().call());
        assertThat(intake.reportOf(call)).contains(report);
        assertThat(callLog.detail(supervisor, call).summary().caseReference()).isEqualTo(created.reference());
        assertThat(registry.receive(new CaseSource.Hotline(report.value()), CaseFacts.none(), null))
                .as("receiving it again gives the same case").isEqualTo(created);
    }

    @Test
    void aReportSubmittedWhileTheRegistryWasDownIsReceivedByTheSweep() {
        ReportId report = submittedHotlineReport();
        // The process died between the submission and its case: the case and its link are not there.
        CaseId lost = registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow().id();
        db.deleteFrom(CASE_SOURCE).where(CASE_SOURCE.CASE_ID.eq(lost.value())).execute();
        // The case's history is evidence: only the owner's break-glass procedure removes it.
        TestDatabase.get().breakGlass(owner -> owner.deleteFrom(CASE_EVENT)
                .where(CASE_EVENT.CASE_ID.eq(lost.value())).execute());
        db.deleteFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(lost.value())).execute();

        assertThat(registry.caseOf(new CaseSource.Hotline(report.value()))).isEmpty();
        registry.receiveMissed();
        assertThat(registry.caseOf(new CaseSource.Hotline(report.value())))
                .as("just submitted: its own event may be receiving it right now").isEmpty();
        clock.set(clock.instant().plus(Registry.SWEEP_GRACE).plusSeconds(1));
        assertThat(registry.receiveMissed()).isGreaterThanOrEqualTo(1);
        assertThat(registry.caseOf(new CaseSource.Hotline(report.value()))).isPresent();
        assertThat(registry.receiveMissed()).isZero();
    }

    @Test
    void statusesMoveOnlyAlongTheirPathsAndTheDecisionMustAgree() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        registry.assign(id, dataManager.id(), leader);

        assertThatThrownBy(() -> registry.changeStatus(id, CaseStatus.CONFIRMED_VICTIM, null, dataManager))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("POTENTIAL");
        registry.changeStatus(id, CaseStatus.UNDER_ASSESSMENT, null, dataManager);
        assertThatThrownBy(() -> registry.changeStatus(id, CaseStatus.CONFIRMED_VICTIM, null, dataManager))
                .hasMessageContaining("question 18");
        registry.saveField(id, dataManager, "votDecision", "YES");
        registry.changeStatus(id, CaseStatus.CONFIRMED_VICTIM, null, dataManager);
        assertThatThrownBy(() -> registry.changeStatus(id, CaseStatus.CLOSED, " ", dataManager))
                .hasMessageContaining("why");
        registry.changeStatus(id, CaseStatus.CLOSED, "referred to the test shelter and followed up (fake)",
                dataManager);

        List<Registry.Event> statuses = registry.history(id, leader).stream()
                .filter(e -> e.type().equals("STATUS")).toList();
        assertThat(statuses).extracting(e -> e.detail().get("to"))
                .containsExactly("UNDER_ASSESSMENT", "CONFIRMED_VICTIM", "CLOSED");
        assertThat(statuses).allSatisfy(e -> assertThat(e.actorName()).startsWith("Testfirst Fakename-data-manager"));
        assertThat(statuses.getLast().detail()).containsEntry("note",
                "referred to the test shelter and followed up (fake)");
        // The application's role has no UPDATE on it at all; the trigger refuses even the owner (LeastPrivilegeTest).
        assertThatThrownBy(() -> db.update(CASE_EVENT).set(CASE_EVENT.TYPE, "CHANGED")
                .where(CASE_EVENT.CASE_ID.eq(id.value())).execute()).as("history is append-only")
                .rootCause().hasMessageContaining("permission denied for table case_event");
    }

    @Test
    void notAVictimThenReferredKeepsWhoMovedItAndWhen() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        registry.assign(id, dataManager.id(), leader);
        java.time.Instant assessed = clock.advance(Duration.ofHours(1));
        registry.changeStatus(id, CaseStatus.UNDER_ASSESSMENT, null, dataManager);
        clock.advance(Duration.ofHours(20));
        assertThatThrownBy(() -> registry.changeStatus(id, CaseStatus.NOT_A_VICTIM, null, dataManager))
                .as("question 18 must say no first").hasMessageContaining("question 18");
        registry.saveField(id, dataManager, "votDecision", "NO");
        assertThatThrownBy(() -> registry.changeStatus(id, CaseStatus.CONFIRMED_VICTIM, null, dataManager))
                .as("the decision says no").hasMessageContaining("question 18");
        java.time.Instant decided = clock.advance(Duration.ofMinutes(5));
        registry.changeStatus(id, CaseStatus.NOT_A_VICTIM, "in need of assistance all the same (fake)", dataManager);
        java.time.Instant referred = clock.advance(Duration.ofDays(2));
        registry.changeStatus(id, CaseStatus.REFERRED, "referred to the test labour office (fake)", leader);
        assertThatThrownBy(() -> registry.changeStatus(id, CaseStatus.CONFIRMED_VICTIM, null, leader))
                .as("a referred case is reassessed or closed").hasMessageContaining("REFERRED");

        assertThat(registry.view(id, leader).status()).isEqualTo(CaseStatus.REFERRED);
        assertThat(registry.history(id, leader)).filteredOn(e -> e.type().equals("STATUS"))
                .extracting(e -> e.detail().get("from"), e -> e.detail().get("to"), Registry.Event::actorName,
                        Registry.Event::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("POTENTIAL", "UNDER_ASSESSMENT", nameOf(dataManager),
                                assessed),
                        org.assertj.core.groups.Tuple.tuple("UNDER_ASSESSMENT", "NOT_A_VICTIM", nameOf(dataManager),
                                decided),
                        org.assertj.core.groups.Tuple.tuple("NOT_A_VICTIM", "REFERRED", nameOf(leader), referred));
    }

    @Test
    void aConfirmedVictimIsReferredThenClosedWithWhoAndWhen() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        registry.assign(id, dataManager.id(), dataManager);
        registry.changeStatus(id, CaseStatus.UNDER_ASSESSMENT, null, dataManager);
        registry.saveField(id, dataManager, "votDecision", "YES");
        registry.changeStatus(id, CaseStatus.CONFIRMED_VICTIM, null, dataManager);
        java.time.Instant referred = clock.advance(Duration.ofDays(1));
        registry.changeStatus(id, CaseStatus.REFERRED, "referred to the test shelter (fake)", dataManager);
        java.time.Instant closed = clock.advance(Duration.ofDays(30));
        registry.changeStatus(id, CaseStatus.CLOSED, "assistance completed (fake)", dataManager);

        assertThat(registry.history(id, leader)).filteredOn(e -> e.type().equals("STATUS")).last()
                .satisfies(e -> assertThat(e.at()).isEqualTo(closed));
        assertThat(registry.history(id, leader)).filteredOn(e -> e.type().equals("STATUS")
                        && "REFERRED".equals(e.detail().get("to"))).singleElement()
                .satisfies(e -> {
                    assertThat(e.at()).isEqualTo(referred);
                    assertThat(e.actorName()).isEqualTo(nameOf(dataManager));
                    assertThat(e.detail()).containsEntry("from", "CONFIRMED_VICTIM")
                            .containsEntry("note", "referred to the test shelter (fake)");
                });
    }

    /** Issue 17: two tabs (or two data managers) on one field: the later save is told, never applied blind. */
    @Test
    void aSaveTypedOverAnOlderVersionOfTheFieldIsRefusedWithTheValueStoredNow() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        registry.assign(id, dataManager.id(), leader);
        assertThat(registry.view(id, dataManager).fieldVersions()).doesNotContainKey("remarks");
        Registry.Saved first = registry.saveField(id, dataManager, "remarks", "Testremark one (fake)", 0);
        assertThat(first.fieldVersion()).isEqualTo(1);
        registry.saveField(id, leader, "age", 30, 0);

        // Another field changed meanwhile: no conflict for this one.
        assertThat(registry.saveField(id, dataManager, "remarks", "Testremark two (fake)", 1).fieldVersion())
                .isEqualTo(2);
        assertThatThrownBy(() -> registry.saveField(id, leader, "remarks", "Testremark three (fake)", 1))
                .isInstanceOfSatisfying(FieldConflict.class, e -> {
                    assertThat(e.field()).isEqualTo("remarks");
                    assertThat(e.current()).isEqualTo("Testremark two (fake)");
                    assertThat(e.version()).isEqualTo(2);
                });
        assertThat(registry.view(id, leader).values()).containsEntry("remarks", "Testremark two (fake)");
        // The same value typed in both tabs is no conflict; keeping one's own value is a save over the new version.
        assertThat(registry.saveField(id, leader, "remarks", "Testremark two (fake)", 1).fieldVersion()).isEqualTo(2);
        assertThat(registry.saveField(id, leader, "remarks", "Testremark three (fake)", 2).fieldVersion())
                .isEqualTo(3);
        assertThat(registry.view(id, leader).fieldVersions()).containsEntry("remarks", 3).containsEntry("age", 1);
        assertThatThrownBy(() -> registry.saveField(id, dataManager, "age", 31, 0))
                .isInstanceOfSatisfying(FieldConflict.class, e -> assertThat(e.current()).isEqualTo(30));
    }

    @Test
    void theLeaderReassignsACaseAndThePreviousDataManagerLosesItsPersonalFields() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        java.time.Instant first = clock.advance(Duration.ofMinutes(1));
        registry.assign(id, dataManager.id(), leader);
        registry.saveField(id, dataManager, "firstNames", "Testfirst Reassigned (fake)");
        registry.saveField(id, dataManager, "entryPlace", "Fakeplace (test)");
        registry.recordConsent(id, "1.1", true, "Testfirst Askerthree (fake)",
                LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC), dataManager);
        assertThatThrownBy(() -> registry.assign(id, otherDataManager.id(), dataManager))
                .as("a data manager does not hand a case on").isInstanceOf(SecurityException.class);

        java.time.Instant second = clock.advance(Duration.ofDays(3));
        registry.assign(id, otherDataManager.id(), leader);

        Registry.RegistryCase before = registry.view(id, dataManager);
        assertThat(before.personalHidden()).isTrue();
        assertThat(before.assignedTo()).isEqualTo(otherDataManager.id());
        assertThat(before.values()).doesNotContainKeys("firstNames", "entryPlace");
        assertThat(before.consent()).extracting(Registry.Consent::askedBy).containsOnlyNulls();
        assertThat(registry.history(id, dataManager)).noneMatch(e -> e.detail().containsKey("askedBy"));
        assertThatThrownBy(() -> registry.saveField(id, dataManager, "firstNames", "Testfirst Other (fake)"))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> registry.assign(id, dataManager.id(), dataManager))
                .as("nor takes it back").isInstanceOf(SecurityException.class);

        Registry.RegistryCase now = registry.view(id, otherDataManager);
        assertThat(now.personalHidden()).isFalse();
        assertThat(now.values()).containsEntry("firstNames", "Testfirst Reassigned (fake)")
                .containsEntry("entryPlace", "Fakeplace (test)");
        assertThat(registry.history(id, leader)).filteredOn(e -> e.type().equals("ASSIGNED"))
                .extracting(e -> ((Number) e.detail().get("to")).longValue(), Registry.Event::actorName,
                        Registry.Event::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(dataManager.id().value(), nameOf(leader), first),
                        org.assertj.core.groups.Tuple.tuple(otherDataManager.id().value(), nameOf(leader), second));
    }

    @Test
    void onlyDataManagersOpenCasesAndPersonalFieldsOnlyTheAssignedOneAndTheLeader() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        for (Actor outsider : List.of(operator, supervisor)) {
            assertThatThrownBy(() -> registry.view(id, outsider)).isInstanceOf(CaseNotFound.class);
            assertThatThrownBy(() -> registry.list(outsider, null, 10)).isInstanceOf(CaseNotFound.class);
            assertThatThrownBy(() -> registry.history(id, outsider)).isInstanceOf(CaseNotFound.class);
        }
        assertThatThrownBy(() -> registry.saveField(id, dataManager, "firstNames", "Testfirst"))
                .as("not assigned to them").isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> registry.assign(id, otherDataManager.id(), dataManager))
                .isInstanceOf(SecurityException.class);
        registry.assign(id, dataManager.id(), dataManager);
        assertThatThrownBy(() -> registry.assign(id, operator.id(), leader))
                .hasMessageContaining("data managers only");

        registry.saveField(id, dataManager, "firstNames", "Testfirst Fakevictim");
        registry.saveField(id, dataManager, "dateOfBirth", "2001-02-03");
        registry.saveField(id, dataManager, "recruitment", true);
        registry.saveField(id, dataManager, "entryPhysicalAbuse", List.of("RECRUITER", "TRANSPORTER"));
        assertThatThrownBy(() -> registry.saveField(id, dataManager, "entryDebtBondage",
                List.of("NOT_USED", "RECRUITER"))).isInstanceOf(InvalidField.class);

        byte[] stored = db.select(REGISTRY_CASE.PERSONAL_ENC).from(REGISTRY_CASE)
                .where(REGISTRY_CASE.ID.eq(id.value())).fetchOne(REGISTRY_CASE.PERSONAL_ENC);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Fakevictim");

        Registry.RegistryCase mine = registry.view(id, dataManager);
        assertThat(mine.personalHidden()).isFalse();
        assertThat(mine.values()).containsEntry("firstNames", "Testfirst Fakevictim")
                .containsEntry("dateOfBirth", "2001-02-03").containsEntry("recruitment", true)
                .containsEntry("entryPhysicalAbuse", List.of("RECRUITER", "TRANSPORTER"));
        Registry.RegistryCase notMine = registry.view(id, otherDataManager);
        assertThat(notMine.personalHidden()).isTrue();
        assertThat(notMine.values()).doesNotContainKeys("firstNames", "dateOfBirth").containsEntry("recruitment", true);
        assertThat(registry.view(id, leader).values()).containsEntry("firstNames", "Testfirst Fakevictim");

        assertThat(db.select(AUDIT_LOG.ACTOR, AUDIT_LOG.ACTION).from(AUDIT_LOG)
                .where(AUDIT_LOG.ENTITY.eq("registry_case")).and(AUDIT_LOG.ENTITY_ID.eq(id.toString()))
                .and(AUDIT_LOG.ACTION.eq("READ")).fetch(r -> r.value1()))
                .containsExactlyInAnyOrder(dataManager.username(), leader.username());
    }

    @Test
    void consentAnswersKeepWhoAskedAndWhenAndTheirHistory() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        registry.assign(id, dataManager.id(), leader);
        LocalDate today = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        assertThatThrownBy(() -> registry.recordConsent(id, "1.6", true, "Test Interviewer", today, leader))
                .hasMessageContaining("1.1");
        assertThatThrownBy(() -> registry.recordConsent(id, "1.1", true, "Test Interviewer", today.plusDays(5),
                leader)).hasMessageContaining("future");
        assertThatThrownBy(() -> registry.recordConsent(id, "1.1", true, "<b>Test Interviewer</b>", today, leader))
                .isInstanceOf(InvalidField.class);
        registry.recordConsent(id, "1.1", false, "Testfirst Askerone (fake)", today.minusDays(3), dataManager);
        registry.recordConsent(id, "1.1", true, "Testfirst Askertwo (fake)", today, leader);
        registry.recordConsent(id, "1.5", true, "Test Social Worker (fake)", today.minusDays(1), dataManager);

        assertThat(registry.view(id, leader).consent()).extracting(Registry.Consent::question,
                Registry.Consent::answer, Registry.Consent::askedBy).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1.1", true, "Testfirst Askertwo (fake)"),
                org.assertj.core.groups.Tuple.tuple("1.5", true, "Test Social Worker (fake)"));
        // Every answer keeps who asked, on which day, who recorded it and when: not only the latest.
        List<Registry.Event> answers = registry.history(id, dataManager).stream()
                .filter(e -> e.type().equals("CONSENT")).toList();
        assertThat(answers).extracting(e -> e.detail().get("question"), e -> e.detail().get("answer"),
                e -> e.detail().get("askedBy"), e -> e.detail().get("askedOn"), Registry.Event::actorName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1.1", false, "Testfirst Askerone (fake)",
                                today.minusDays(3).toString(), nameOf(dataManager)),
                        org.assertj.core.groups.Tuple.tuple("1.1", true, "Testfirst Askertwo (fake)",
                                today.toString(), nameOf(leader)),
                        org.assertj.core.groups.Tuple.tuple("1.5", true, "Test Social Worker (fake)",
                                today.minusDays(1).toString(), nameOf(dataManager)));
        assertThat(answers).allSatisfy(e -> assertThat(e.at()).isEqualTo(clock.instant()));

        // Who asked is a name: encrypted at rest like every personal field, in the history as in the answer.
        assertThat(db.select(CASE_CONSENT.ASKED_BY).from(CASE_CONSENT).where(CASE_CONSENT.CASE_ID.eq(id.value()))
                .fetch(CASE_CONSENT.ASKED_BY)).containsOnlyNulls();
        assertThat(db.select(CASE_CONSENT_ANSWER.ASKED_BY_ENC).from(CASE_CONSENT_ANSWER)
                .where(CASE_CONSENT_ANSWER.CASE_ID.eq(id.value())).fetch(CASE_CONSENT_ANSWER.ASKED_BY_ENC))
                .hasSize(3).allSatisfy(enc -> assertThat(new String(enc, StandardCharsets.ISO_8859_1))
                        .doesNotContain("Asker"));
        assertThat(db.select(CASE_EVENT.DETAIL).from(CASE_EVENT).where(CASE_EVENT.CASE_ID.eq(id.value()))
                .fetch(r -> r.value1().data())).noneMatch(detail -> detail.contains("Asker"));

        // Need to know: another data manager sees the answers and dates, not who asked; reading it is audited.
        assertThat(registry.view(id, otherDataManager).consent()).extracting(Registry.Consent::askedBy)
                .containsOnlyNulls();
        assertThat(registry.history(id, otherDataManager)).filteredOn(e -> e.type().equals("CONSENT"))
                .hasSize(3).noneMatch(e -> e.detail().containsKey("askedBy"));
        assertThat(db.select(AUDIT_LOG.ACTOR).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("registry_case"))
                .and(AUDIT_LOG.ENTITY_ID.eq(id.toString())).and(AUDIT_LOG.ACTION.eq("READ"))
                .and(AUDIT_LOG.FIELDS.contains(new String[] {"consent.askedBy"})).fetch(AUDIT_LOG.ACTOR))
                .contains(dataManager.username(), leader.username()).doesNotContain(otherDataManager.username());
    }

    @Test
    void answersRecordedBeforeAskersWereEncryptedAreSealedOnStart() {
        CaseId id = registry.receive(new CaseSource.Hotline(submittedHotlineReport().value()), CaseFacts.none(), null)
                .id();
        // As V8 stored them: who asked in clear, no answer row.
        db.insertInto(CASE_CONSENT).set(CASE_CONSENT.CASE_ID, id.value()).set(CASE_CONSENT.QUESTION, "1.3")
                .set(CASE_CONSENT.ANSWER, true).set(CASE_CONSENT.ASKED_BY, "Testfirst Legacyasker (fake)")
                .set(CASE_CONSENT.ASKED_ON, LocalDate.of(2026, 1, 2)).set(CASE_CONSENT.RECORDED_BY, leader.id().value())
                .set(CASE_CONSENT.RECORDED_AT, clock.instant().atOffset(java.time.ZoneOffset.UTC)).execute();
        assertThat(registry.view(id, leader).consent()).extracting(Registry.Consent::askedBy)
                .containsExactly("Testfirst Legacyasker (fake)");

        assertThat(sealing.seal()).isGreaterThanOrEqualTo(1);
        assertThat(sealing.seal()).isZero();

        assertThat(db.select(CASE_CONSENT.ASKED_BY).from(CASE_CONSENT).where(CASE_CONSENT.CASE_ID.eq(id.value()))
                .fetchOne(CASE_CONSENT.ASKED_BY)).isNull();
        assertThat(registry.view(id, leader).consent()).extracting(Registry.Consent::question,
                Registry.Consent::answer, Registry.Consent::askedBy, Registry.Consent::askedOn).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1.3", true, "Testfirst Legacyasker (fake)",
                        LocalDate.of(2026, 1, 2)));
    }

    private static String nameOf(Actor actor) {
        return "Testfirst Fakename-" + actor.username();
    }
}
