package org.tiphotline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;

/**
 * Duplicate candidates with their reasons, true and false matches for each reason, and merging and relating with
 * both histories kept. Each test uses its own fake place and period, so other tests' cases cannot match.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class DuplicatesTest {

    @Autowired
    private Registry registry;
    @Autowired
    private Duplicates duplicates;
    @Autowired
    private Documents documents;
    @Autowired
    private Intake intake;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private org.jooq.DSLContext db;

    private Actor operator;
    private Actor leader;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START.plus(Duration.ofDays(700)));
        operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
    }

    @Test
    void theSameCallerOnTwoCallsIsACandidateAnotherCallerIsNot() {
        CaseId first = caseFromCall(FakeData.phone(81));
        CaseId again = caseFromCall("+1 555 010 0181");
        CaseId other = caseFromCall(FakeData.phone(82));

        assertThat(duplicates.candidates(again, leader)).filteredOn(c -> c.id().equals(first)).singleElement()
                .satisfies(c -> assertThat(c.reasons()).containsExactly(Duplicates.Reason.SAME_CALLER));
        assertThat(duplicates.candidates(other, leader)).noneMatch(c -> c.id().equals(first) || c.id().equals(again));
    }

    @Test
    void similarSoundingNamesAreCandidatesDifferentNamesAreNot() {
        CaseId smith = blankCase();
        CaseId smyth = blankCase();
        CaseId other = blankCase();
        registry.saveField(smith, leader, "firstNames", "John (fake)");
        registry.saveField(smith, leader, "familyNames", "Testsmith");
        registry.saveField(smyth, leader, "firstNames", "Jon");
        registry.saveField(smyth, leader, "familyNames", "Testsmyth");
        registry.saveField(other, leader, "firstNames", "Quentin");
        registry.saveField(other, leader, "familyNames", "Fakeperson-Lovelace");

        assertThat(duplicates.candidates(smyth, leader)).filteredOn(c -> c.id().equals(smith)).singleElement()
                .satisfies(c -> assertThat(c.reasons()).containsExactly(Duplicates.Reason.SIMILAR_NAME));
        assertThat(duplicates.candidates(other, leader)).noneMatch(c -> c.id().equals(smith) || c.id().equals(smyth));
    }

    @Test
    void theSamePlaceAndAnOverlappingPeriodIsACandidateAnotherYearOrPlaceIsNot() {
        String place = CoreTestConfiguration.PLACES.get(1);
        CaseId a = caseAt(place, "1931-03-01", "1931-04-30");
        CaseId b = caseAt(place, "1931-05-20", null);
        CaseId laterYear = caseAt(place, "1932-05-20", null);
        CaseId elsewhere = caseAt(CoreTestConfiguration.PLACES.get(0), "1931-03-10", null);

        assertThat(duplicates.candidates(b, leader)).filteredOn(c -> c.id().equals(a)).singleElement()
                .satisfies(c -> assertThat(c.reasons()).containsExactly(Duplicates.Reason.SAME_PLACE_AND_PERIOD));
        assertThat(duplicates.candidates(b, leader)).noneMatch(c -> c.id().equals(laterYear) || c.id().equals(elsewhere));
        assertThat(duplicates.candidates(elsewhere, leader)).noneMatch(c -> c.id().equals(a));
    }

    @Test
    void mergingMovesTheReportsFillsWhatIsMissingClosesTheOtherAndKeepsBothHistories() {
        CaseId keep = caseFromCall(FakeData.phone(83));
        CaseId dup = caseFromCall("+1 (555) 010-0183");
        registry.saveField(dup, leader, "familyNames", "Fakefamily");
        registry.saveField(dup, leader, "citizenship", "JM");
        registry.saveField(dup, leader, "recruitment", true);
        registry.saveField(keep, leader, "citizenship", "TT");
        assertThatThrownBy(() -> duplicates.merge(dup, keep, " ", leader)).hasMessageContaining("why");

        duplicates.merge(dup, keep, "same caller, same work site (fake)", leader);

        Registry.RegistryCase kept = registry.view(keep, leader);
        assertThat(kept.sources()).hasSize(2);
        assertThat(kept.values()).containsEntry("familyNames", "Fakefamily").containsEntry("recruitment", true)
                .as("what the kept case had wins").containsEntry("citizenship", "TT");
        Registry.RegistryCase merged = registry.view(dup, leader);
        assertThat(merged.status()).isEqualTo(CaseStatus.CLOSED);
        assertThat(merged.mergedInto()).isEqualTo(keep);
        assertThat(merged.sources()).isEmpty();
        assertThat(registry.history(dup, leader)).extracting(Registry.Event::type)
                .containsSubsequence("CREATED", "SOURCE_LINKED", "MERGED_INTO");
        assertThat(registry.history(keep, leader)).extracting(Registry.Event::type)
                .containsSubsequence("CREATED", "SOURCE_LINKED", "MERGED_FROM");
        assertThat(duplicates.candidates(keep, leader)).as("a merged case is no candidate")
                .noneMatch(c -> c.id().equals(dup));
        assertThat(registry.list(leader, null, 500)).noneMatch(s -> s.id().equals(dup));
        assertThatThrownBy(() -> duplicates.merge(dup, keep, "again (fake)", leader))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> registry.changeStatus(dup, CaseStatus.UNDER_ASSESSMENT, "reopen (fake)", leader))
                .hasMessageContaining("merged");
    }

    /** A tiny PDF and PNG whose text is obviously fake, to follow across the merge. */
    private static final byte[] PDF = "%PDF-1.4\n% fake medical report (test)\n%%EOF\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 'f', 'a', 'k', 'e'};

    @Test
    void mergingMovesTheDocumentsAndCarriesEveryConsentAnswerANoNeverLosingToAYes() {
        CaseId keep = blankCase();
        CaseId dup = blankCase();
        Actor dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        registry.assign(keep, dataManager.id(), leader);
        registry.assign(dup, dataManager.id(), leader);
        java.time.LocalDate day = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        Documents.Document pdf = documents.attach(dup, Documents.Kind.MEDICAL_REPORT, "application/pdf", PDF,
                dataManager);
        Documents.Document png = documents.attach(dup, Documents.Kind.IDENTITY_DOCUMENT, "image/png", PNG,
                dataManager);
        Documents.Document own = documents.attach(keep, Documents.Kind.OTHER, "application/pdf", PDF, dataManager);
        // The kept case: 1.2 no, 1.3 yes, 1.5 yes; the duplicate: 1.1 yes (none on the kept case), 1.2 yes,
        // 1.3 yes, 1.5 no.
        registry.recordConsent(keep, "1.2", false, "Testfirst Keptasker (fake)", day.minusDays(2), dataManager);
        registry.recordConsent(keep, "1.3", true, "Testfirst Keptasker (fake)", day.minusDays(2), dataManager);
        registry.recordConsent(keep, "1.5", true, "Testfirst Keptasker (fake)", day.minusDays(2), dataManager);
        registry.recordConsent(dup, "1.1", true, "Testfirst Dupasker (fake)", day.minusDays(5), dataManager);
        registry.recordConsent(dup, "1.2", true, "Testfirst Dupasker (fake)", day.minusDays(5), dataManager);
        registry.recordConsent(dup, "1.3", true, "Testfirst Dupasker (fake)", day.minusDays(5), dataManager);
        registry.recordConsent(dup, "1.5", false, "Testfirst Dupasker (fake)", day.minusDays(1), dataManager);

        duplicates.merge(dup, keep, "same person, two interviews (fake)", dataManager);

        // The documents are the kept case's now, and still open (their content is bound to the document).
        assertThat(documents.list(keep, dataManager)).extracting(Documents.Document::id)
                .containsExactlyInAnyOrder(own.id(), pdf.id(), png.id());
        assertThat(documents.list(dup, dataManager)).isEmpty();
        assertThat(documents.download(keep, pdf.id(), dataManager).content()).isEqualTo(PDF);
        assertThat(documents.download(keep, png.id(), dataManager).content()).isEqualTo(PNG);

        // Consent: what the kept case had stands, what it lacked comes over, and a no is never overridden by a yes.
        assertThat(registry.view(keep, dataManager).consent()).extracting(Registry.Consent::question,
                Registry.Consent::answer, Registry.Consent::askedBy, Registry.Consent::mergedFrom).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1.1", true, "Testfirst Dupasker (fake)", dup),
                org.assertj.core.groups.Tuple.tuple("1.2", false, "Testfirst Keptasker (fake)", null),
                org.assertj.core.groups.Tuple.tuple("1.3", true, "Testfirst Keptasker (fake)", null),
                org.assertj.core.groups.Tuple.tuple("1.5", false, "Testfirst Dupasker (fake)", dup));

        // Nothing is dropped: every answer of the duplicate is in the kept case's history, with who asked and when.
        List<Registry.Event> history = registry.history(keep, dataManager);
        assertThat(history).extracting(Registry.Event::type).containsSubsequence("MERGED_FROM", "DOCUMENT",
                "DOCUMENT", "CONSENT");
        assertThat(history).filteredOn(e -> e.type().equals("CONSENT") && e.detail().containsKey("mergedFrom"))
                .extracting(e -> e.detail().get("question"), e -> e.detail().get("answer"),
                        e -> e.detail().get("askedBy"), e -> e.detail().get("askedOn"), e -> e.detail().get("outcome"),
                        e -> e.detail().get("currentAnswer"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1.1", true, "Testfirst Dupasker (fake)",
                                day.minusDays(5).toString(), "CARRIED_OVER", true),
                        org.assertj.core.groups.Tuple.tuple("1.2", true, "Testfirst Dupasker (fake)",
                                day.minusDays(5).toString(), "YES_NOT_TAKEN_NO_KEPT", false),
                        org.assertj.core.groups.Tuple.tuple("1.3", true, "Testfirst Dupasker (fake)",
                                day.minusDays(5).toString(), "SAME_AS_KEPT", true),
                        org.assertj.core.groups.Tuple.tuple("1.5", false, "Testfirst Dupasker (fake)",
                                day.minusDays(1).toString(), "NO_REPLACES_YES", false));
        assertThat(history).filteredOn(e -> e.type().equals("DOCUMENT") && e.detail().containsKey("mergedFrom"))
                .extracting(e -> e.detail().get("document")).containsExactly(pdf.id().toString(),
                        png.id().toString());
        assertThat(history).filteredOn(e -> e.type().equals("MERGED_FROM")).singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("documentsMoved", 2));

        // The closed case keeps its own history: its answers and documents as they were recorded there.
        List<Registry.Event> closed = registry.history(dup, dataManager);
        assertThat(closed).filteredOn(e -> e.type().equals("CONSENT")).hasSize(4);
        assertThat(closed).filteredOn(e -> e.type().equals("DOCUMENT")).hasSize(2);
        assertThat(closed.getLast().type()).isEqualTo("MERGED_INTO");
        assertThat(closed.getLast().detail()).containsEntry("documentsMoved", 2)
                .containsEntry("consentAnswersCarried", 4);
        assertThat(db.fetchCount(org.tiphotline.db.Tables.AUDIT_LOG, org.tiphotline.db.Tables.AUDIT_LOG.ACTION
                .eq("CHANGE").and(org.tiphotline.db.Tables.AUDIT_LOG.ENTITY_ID.eq(keep.toString()))
                .and(org.tiphotline.db.Tables.AUDIT_LOG.ACTOR.eq(dataManager.username()))
                .and(org.tiphotline.db.Tables.AUDIT_LOG.FIELDS.contains(new String[] {"consent.askedBy"}))))
                .as("carrying who asked over is a change of personal data, audited").isEqualTo(1);
    }

    @Test
    void relatedCasesPointAtEachOtherAndOnlyThoseWhoMayWorkOnACaseDecide() {
        CaseId a = blankCase();
        CaseId b = blankCase();
        Actor dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        assertThatThrownBy(() -> duplicates.relate(a, b, "same work site (fake)", dataManager))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> duplicates.merge(a, b, "same (fake)", dataManager))
                .isInstanceOf(SecurityException.class);
        duplicates.relate(a, b, "same work site (fake)", leader);
        duplicates.relate(b, a, "same work site (fake)", leader);
        assertThat(duplicates.related(a)).containsOnlyKeys(b);
        assertThat(duplicates.related(b)).containsOnlyKeys(a);
        assertThatThrownBy(() -> duplicates.candidates(a, operator)).isInstanceOf(CaseNotFound.class);

        // Ids whose order differs between Java (signed) and PostgreSQL (unsigned bytes), both ways round.
        CaseId low = caseWithId("7fffffff-0000-0000-0000-000000000001");
        CaseId high = caseWithId("80000000-0000-0000-0000-000000000001");
        duplicates.relate(low, high, "same trafficker (fake)", leader);
        CaseId low2 = caseWithId("7fffffff-0000-0000-0000-000000000002");
        CaseId high2 = caseWithId("80000000-0000-0000-0000-000000000002");
        duplicates.relate(high2, low2, "same trafficker (fake)", leader);
        assertThat(duplicates.related(low)).containsOnlyKeys(high);
        assertThat(duplicates.related(low2)).containsOnlyKeys(high2);
    }

    private CaseId caseWithId(String id) {
        java.time.OffsetDateTime now = clock.instant().atOffset(java.time.ZoneOffset.UTC);
        db.insertInto(org.tiphotline.db.Tables.REGISTRY_CASE)
                .set(org.tiphotline.db.Tables.REGISTRY_CASE.ID, java.util.UUID.fromString(id))
                .set(org.tiphotline.db.Tables.REGISTRY_CASE.REFERENCE, "C-1999-" + id.substring(id.length() - 6)
                        + id.charAt(0))
                .set(org.tiphotline.db.Tables.REGISTRY_CASE.STATUS, "POTENTIAL")
                .set(org.tiphotline.db.Tables.REGISTRY_CASE.FORM_VERSION, 1)
                .set(org.tiphotline.db.Tables.REGISTRY_CASE.CREATED_AT, now)
                .set(org.tiphotline.db.Tables.REGISTRY_CASE.UPDATED_AT, now).execute();
        return new CaseId(java.util.UUID.fromString(id));
    }

    private CaseId caseFromCall(String callerNumber) {
        CallRef ref = FakeData.newCallRef();
        CallId call = switchboard.arrived(ref, callerNumber, FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrCompleted(ref);
        switchboard.offered(call, operator.id());
        intake.on(new Call.Ringing(call, operator.id(), clock.instant()));
        ReportId report = intake.reportOf(call).orElseThrow();
        intake.saveField(report, operator, "situation", "POTENTIAL");
        intake.submit(report, operator);
        return registry.caseOf(new CaseSource.Hotline(report.value())).orElseThrow().id();
    }

    /** A case from a call whose number was withheld: nothing in it matches anything yet. */
    private CaseId blankCase() {
        return caseFromCall(null);
    }

    private CaseId caseAt(String place, String from, String to) {
        CaseId id = blankCase();
        registry.saveField(id, leader, "place", place);
        registry.saveField(id, leader, "periodFrom", from);
        if (to != null) {
            registry.saveField(id, leader, "periodTo", to);
        }
        return id;
    }
}
