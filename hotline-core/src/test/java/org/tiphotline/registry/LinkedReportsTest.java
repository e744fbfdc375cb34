package org.tiphotline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.CASE_EVENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calllog.CallLog;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.intake.HotlineReport;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.ReportId;
import org.tiphotline.online.OnlineReports;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.screening.Screenings;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * A caller who calls again about a known situation gives the reference they were given (the online form's R- code,
 * a screening receipt's S- code, the case number): the submitted hotline report joins that case as a new source,
 * with a history row, and the call log points at it. A reference that names nothing, or is no reference at all,
 * never costs the report: it opens a potential case as before, whose history says so, and the operator is told
 * nothing either way. A data manager can also move one report of a case into another.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class LinkedReportsTest {

    @Autowired
    private Registry registry;
    @Autowired
    private Duplicates duplicates;
    @Autowired
    private Intake intake;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private OnlineReports online;
    @Autowired
    private Screenings screenings;
    @Autowired
    private CallLog callLog;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;

    private Actor operator;
    private Actor leader;
    private Actor supervisor;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START.plus(Duration.ofDays(800)));
        operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        supervisor = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR, "en"));
    }

    @Test
    void aCallerQuotingTheirOnlineReportsCodeJoinsThatCase() {
        String code = online.submit("en", Map.of("traffickingTypes", List.of("LABOUR"), "anonymous", true))
                .reference();
        Registry.Summary known = registry.find(leader, code).orElseThrow();
        int cases = db.fetchCount(REGISTRY_CASE);
        clock.advance(Duration.ofDays(2));

        // Read out over the phone: small letters, spaces, no dashes.
        ReportId report = submitted(code.toLowerCase(Locale.ROOT).replace("-", " "));

        assertThat(db.fetchCount(REGISTRY_CASE)).as("no new case").isEqualTo(cases);
        assertThat(registry.caseOf(new CaseSource.Hotline(report.value()))).get()
                .extracting(Registry.Created::id).isEqualTo(known.id());
        Registry.RegistryCase c = registry.view(known.id(), leader);
        assertThat(c.status()).isEqualTo(CaseStatus.POTENTIAL);
        assertThat(c.sources()).extracting(Registry.Source::channel)
                .containsExactly(CaseSource.Channel.ONLINE, CaseSource.Channel.HOTLINE);
        assertThat(registry.history(known.id(), leader)).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo("SOURCE_LINKED");
            assertThat(e.detail()).containsEntry("channel", "HOTLINE").containsEntry("report", report.value()
                    .toString()).containsEntry("earlierReference", code.replace("-", ""));
        });
        CallId call = new CallId(c.sources().getLast().call());
        assertThat(callLog.detail(supervisor, call).summary().caseReference()).isEqualTo(known.reference());
    }

    @Test
    void aScreeningReceiptOrACaseNumberJoinsThatCaseAndAMergedCaseLeadsToTheOneThatCarriesOn() {
        Actor reporter = FakeData.actor(FakeData.user(operators, Role.AGENCY_REPORTER));
        String receipt = screenings.submit(Map.of("situation", "POTENTIAL"), reporter).reference();
        UUID screening = db.select(SCREENING_REPORT.ID).from(SCREENING_REPORT)
                .where(SCREENING_REPORT.REFERENCE.eq(receipt)).fetchOne(SCREENING_REPORT.ID);
        CaseId screened = registry.caseOf(new CaseSource.Screening(screening)).orElseThrow().id();
        assertThat(caseOf(submitted(receipt))).isEqualTo(screened);

        String number = registry.view(screened, leader).reference();
        assertThat(caseOf(submitted(number))).isEqualTo(screened);
        // The case number with its leading zeros left out, as people say it.
        String shortNumber = number.substring(0, 7) + Long.parseLong(number.substring(7));
        assertThat(caseOf(submitted(shortNumber))).isEqualTo(screened);

        CaseId kept = caseOf(submitted(null));
        duplicates.merge(screened, kept, "the same situation (fake)", leader);
        assertThat(caseOf(submitted(receipt))).as("the screening's case was merged").isEqualTo(kept);
        assertThat(caseOf(submitted(number))).isEqualTo(kept);
    }

    @Test
    void anUnknownOrMalformedReferenceStillOpensAPotentialCaseWhoseHistorySaysSo() {
        // Well-formed, but nobody was given it (1 in 5 * 10^11 that a real one is).
        String unknown = "R-2345-6789";
        ReportId report = submitted(unknown);
        CaseId opened = caseOf(report);
        assertThat(registry.view(opened, leader).sources()).singleElement()
                .extracting(Registry.Source::report).isEqualTo(report.value());
        assertThat(registry.history(opened, leader).getFirst()).satisfies(e -> {
            assertThat(e.type()).isEqualTo("CREATED");
            assertThat(e.detail()).containsEntry("earlierReference", unknown)
                    .containsEntry("earlierReferenceFound", false)
                    .containsEntry("why", "no report or case has this reference");
        });

        CaseId malformed = caseOf(submitted("R-12"));
        assertThat(registry.history(malformed, leader).getFirst().detail())
                .containsEntry("earlierReference", "R-12").containsEntry("earlierReferenceFound", false)
                .extractingByKey("why").asString().startsWith("not written as a reference");
        assertThat(registry.find(leader, "R-12")).isEmpty();
        assertThat(registry.find(leader, unknown)).isEmpty();
    }

    @Test
    void theOperatorIsToldNothingAboutWhetherTheReferenceNamedACase() {
        String code = online.submit("en", Map.of("traffickingTypes", List.of("BEGGING"), "anonymous", true))
                .reference();
        HotlineReport joined = submittedView(code);
        HotlineReport opened = submittedView("R-2345-678A");
        assertThat(joined.values().keySet()).isEqualTo(opened.values().keySet());
        assertThat(joined.values()).containsEntry("earlierReference", code);
        assertThat(joined.status()).isEqualTo(opened.status());

        // A reference has a code's characters only: anything else is refused as typed, nothing is looked up.
        ReportId draft = draft();
        for (String bad : List.of("R-2345/6789", "<b>R-1</b>", "R-2345-6789'; --", "x".repeat(25))) {
            assertThatThrownBy(() -> intake.saveField(draft, operator, "earlierReference", bad))
                    .isInstanceOf(InvalidField.class)
                    .satisfies(e -> assertThat(((InvalidField) e).problems()).containsOnlyKeys("earlierReference"));
        }
    }

    @Test
    void aReportSubmittedWhileTheRegistryWasDownJoinsItsCaseThroughTheSweep() {
        String code = online.submit("en", Map.of("traffickingTypes", List.of("LABOUR"), "anonymous", true))
                .reference();
        CaseId known = registry.find(leader, code).orElseThrow().id();
        ReportId report = submitted(code);
        // The process died between the submission and its link.
        db.deleteFrom(CASE_SOURCE).where(CASE_SOURCE.HOTLINE_REPORT_ID.eq(report.value())).execute();
        // The case's history is evidence: only the owner's break-glass procedure removes a row of it.
        TestDatabase.get().breakGlass(owner -> {
            int last = owner.select(org.jooq.impl.DSL.max(CASE_EVENT.SEQ)).from(CASE_EVENT)
                    .where(CASE_EVENT.CASE_ID.eq(known.value())).fetchOne(0, Integer.class);
            owner.deleteFrom(CASE_EVENT).where(CASE_EVENT.CASE_ID.eq(known.value())).and(CASE_EVENT.SEQ.eq(last))
                    .execute();
        });
        clock.set(clock.instant().plus(Registry.SWEEP_GRACE).plusSeconds(1));
        assertThat(registry.receiveMissed()).isGreaterThanOrEqualTo(1);
        assertThat(caseOf(report)).isEqualTo(known);
    }

    @Test
    void aDataManagerMovesOneReportOfACaseIntoAnother() {
        String code = online.submit("en", Map.of("traffickingTypes", List.of("LABOUR"), "anonymous", true))
                .reference();
        CaseId first = registry.find(leader, code).orElseThrow().id();
        ReportId call = submitted(code);
        CaseId other = caseOf(submitted(null));
        Actor dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        registry.assign(first, dataManager.id(), leader);
        assertThatThrownBy(() -> duplicates.moveSource(first, call.value(), other, "another situation (fake)",
                dataManager)).as("not their case").isInstanceOf(SecurityException.class);
        registry.assign(other, dataManager.id(), leader);
        assertThatThrownBy(() -> duplicates.moveSource(first, call.value(), other, " ", dataManager))
                .hasMessageContaining("why");
        assertThatThrownBy(() -> duplicates.moveSource(first, UUID.randomUUID(), other, "wrong (fake)",
                dataManager)).isInstanceOf(CaseNotFound.class);

        duplicates.moveSource(first, call.value(), other, "the caller spoke of another work site (fake)",
                dataManager);

        assertThat(caseOf(call)).isEqualTo(other);
        assertThat(registry.view(first, dataManager).sources()).extracting(Registry.Source::channel)
                .containsExactly(CaseSource.Channel.ONLINE);
        assertThat(registry.view(other, dataManager).sources()).hasSize(2);
        assertThat(registry.history(first, dataManager).getLast().detail())
                .containsEntry("sourceMovedTo", other.toString()).containsEntry("report", call.value().toString());
        assertThat(registry.history(other, dataManager).getLast()).satisfies(e -> {
            assertThat(e.type()).isEqualTo("SOURCE_LINKED");
            assertThat(e.detail()).containsEntry("movedFrom", first.toString())
                    .containsEntry("note", "the caller spoke of another work site (fake)");
        });
        UUID onlyReport = registry.view(first, dataManager).sources().getFirst().report();
        assertThatThrownBy(() -> duplicates.moveSource(first, onlyReport, other, "all of it (fake)", dataManager))
                .hasMessageContaining("merge");
    }

    // ------------------------------------------------------------------------------------------------------------

    private CaseId caseOf(ReportId report) {
        return registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow().id();
    }

    private ReportId submitted(String earlierReference) {
        return submittedView(earlierReference).id();
    }

    /** A hotline report, with the earlier reference the caller gave (null: none), as the operator sees it back. */
    private HotlineReport submittedView(String earlierReference) {
        ReportId report = draft();
        intake.saveField(report, operator, "situation", "POTENTIAL");
        if (earlierReference != null) {
            intake.saveField(report, operator, "earlierReference", earlierReference);
        }
        return intake.submit(report, operator);
    }

    private ReportId draft() {
        CallRef ref = FakeData.newCallRef();
        CallId call = switchboard.arrived(ref, null, FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrCompleted(ref);
        switchboard.offered(call, operator.id());
        intake.on(new Call.Ringing(call, operator.id(), clock.instant()));
        return intake.reportOf(call).orElseThrow();
    }
}
