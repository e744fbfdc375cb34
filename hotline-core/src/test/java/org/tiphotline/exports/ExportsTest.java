package org.tiphotline.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.EXPORT_REQUEST;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.db.tables.records.AuditLogRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.registry.CaseFacts;
import org.tiphotline.registry.CaseId;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exports on a real PostgreSQL: the non-identifying export in HTCDS with small groups hidden, and identifying
 * exports that one person alone can never get (the requester cannot approve, a data manager cannot approve at all,
 * a leader cannot approve their own request), downloadable only by the requester, for a while, a few times, each
 * download audited per case, names only where consent 1.1 is yes.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class ExportsTest {

    /** Each test registers its cases on a day of its own, far from other test classes' clocks. */
    private static final AtomicInteger DAY = new AtomicInteger();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private Registry registry;
    @Autowired
    private HtcdsExport export;
    @Autowired
    private ExportRequests requests;
    @Autowired
    private org.tiphotline.registry.Duplicates duplicates;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;

    private LocalDate today;
    private Actor leader;
    private Actor otherLeader;
    private Actor dataManager;
    private Actor otherDataManager;
    private Actor supervisor;

    @BeforeEach
    void start() {
        today = LocalDate.of(2031, 1, 1).plusDays(DAY.getAndIncrement());
        clock.set(today.atTime(9, 0).toInstant(ZoneOffset.UTC));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        otherLeader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        otherDataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        supervisor = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR));
    }

    @Test
    void theNonIdentifyingExportIsHtcdsWithNoNamesNoReferencesAndNoSmallGroups() {
        for (int i = 0; i < 11; i++) {
            CaseId id = newCase(new CaseFacts("FEMALE", 20 + i % 4, "JM", "Test Parish North",
                    LocalDate.of(2030, 6, 1), null, List.of("LABOUR", "DOMESTIC_LABOUR")));
            registry.saveField(id, leader, "citizenship", "JM");
            registry.saveField(id, leader, "activities", List.of("DOMESTIC_WORK"));
            registry.saveField(id, leader, "entryDebtBondage", List.of("RECRUITER"));
            registry.saveField(id, leader, "exploitationDebtBondage", List.of("NOT_USED"));
            registry.saveField(id, leader, "firstNames", "Testfirst Fakename-" + i);
        }
        // One child from elsewhere: alone in every way, so not in the file at all.
        CaseId child = newCase(new CaseFacts("MALE", 8, "US", "Test Parish South", LocalDate.of(2030, 2, 1), null,
                List.of("ONLINE_SEXUAL_EXPLOITATION")));
        registry.saveField(child, leader, "firstNames", "Testchild Fakename");

        ExportFile json = export.nonIdentifying(dataManager, scope(), ExportFormat.JSON);
        JsonNode doc = JSON.readTree(json.content());
        assertThat(doc.get("rows")).hasSize(11);
        assertThat(doc.get("notice").get("rowsWithheld").asString()).isEqualTo("fewer than 10");
        assertThat(doc.get("notice").get("identifying").asBoolean()).isFalse();
        JsonNode row = doc.get("rows").get(0);
        assertThat(row.get("prs_Gender").asString()).isEqualTo("Feminine");
        assertThat(row.get("ext_AgeBand").asString()).isEqualTo("18-24");
        assertThat(row.get("prs_Citizenship").asString()).isEqualTo("JM");
        assertThat(row.get("hte_Country").asString()).isEqualTo("JM");
        assertThat(row.get("hte_State").asString()).isEqualTo("Test Parish North");
        assertThat(row.get("ext_Year").asString()).isEqualTo("2030");
        assertThat(row.get("vic_TraffickingStatus").asString()).isEqualTo("PossibleVictimOfTrafficking");
        assertThat(row.get("cas_Status").asString()).isEqualTo("Active");
        assertThat(texts(row.get("vic_TypeOfExploitation"))).containsExactly("ForcedLabour");
        assertThat(texts(row.get("vic_ForcedLabourIndustry"))).containsExactly("T_ActivitiesOfHouseholdsAsEmployers");
        assertThat(row.get("MethodsOfControlDebtBondage").asString()).isEqualTo("TRUE");
        assertThat(row.get("MethodsOfControlThreats").isNull()).isTrue();

        String csv = new String(export.nonIdentifying(dataManager, scope(), ExportFormat.CSV).content(),
                StandardCharsets.UTF_8);
        assertThat(csv).startsWith("prs_Gender,ext_AgeBand,prs_Citizenship,").contains("\r\n")
                .doesNotContain("Fakename").doesNotContain("C-20").doesNotContain("Masculine")
                .contains("ForcedLabour,,T_ActivitiesOfHouseholdsAsEmployers");
        assertThat(csv.lines().count()).isEqualTo(12);
        assertThat(auditRows(child, "EXPORT")).isEmpty();
    }

    @Test
    void onlyDataManagersExportAndTheScopeMustMakeSense() {
        assertThatThrownBy(() -> export.nonIdentifying(supervisor, scope(), ExportFormat.CSV))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> new HtcdsExport.Scope(today, today.minusDays(1), null))
                .hasMessage("'to' cannot be before 'from'");
        assertThatThrownBy(() -> new HtcdsExport.Scope(null, today, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.request(supervisor, List.of("C-2031-000001"), "for assistance referral",
                "Test Shelter (fake)")).isInstanceOf(SecurityException.class);
    }

    @Test
    void oneDataManagerAloneCannotExportIdentifyingData() {
        CaseId consented = identifiedCase("Testfirst Fakename", true);
        CaseId refused = identifiedCase("Testsecond Fakename", false);
        String a = reference(consented);
        String b = reference(refused);

        ExportRequests.Request asked = requests.request(dataManager, List.of(a, b),
                "referral for shelter assistance", "Test Shelter (fake)");
        assertThat(asked.status()).isEqualTo(ExportRequests.Status.PENDING);
        assertThat(asked.cases()).containsExactlyInAnyOrder(a, b);

        // Not before a second person's approval, and never by the requester or another data manager.
        assertThatThrownBy(() -> requests.download(dataManager, asked.id(), ExportFormat.CSV))
                .isInstanceOf(IllegalStateException.class).hasMessage("this export is not approved yet");
        assertThatThrownBy(() -> requests.approve(dataManager, asked.id(), null))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> requests.approve(otherDataManager, asked.id(), null))
                .isInstanceOf(SecurityException.class);
        assertThat(requests.view(leader, asked.id()).status()).isEqualTo(ExportRequests.Status.PENDING);

        // A leader is one person too: their own request needs another leader.
        ExportRequests.Request leadersOwn = requests.request(leader, List.of(a), "referral for medical assistance",
                "Test Clinic (fake)");
        assertThatThrownBy(() -> requests.approve(leader, leadersOwn.id(), "fine"))
                .isInstanceOf(SecurityException.class).hasMessageContaining("nobody decides their own");
        assertThat(requests.view(leader, leadersOwn.id()).status()).isEqualTo(ExportRequests.Status.PENDING);

        // A data manager asks only for their own cases.
        CaseId notTheirs = identifiedCase("Testthird Fakename", true);
        registry.assign(notTheirs, otherDataManager.id(), leader);
        assertThatThrownBy(() -> requests.request(dataManager, List.of(reference(notTheirs)),
                "referral for shelter assistance", "Test Shelter (fake)")).isInstanceOf(SecurityException.class);

        ExportRequests.Request approved = requests.approve(otherLeader, asked.id(), "consent checked");
        assertThat(approved.status()).isEqualTo(ExportRequests.Status.APPROVED);
        assertThat(approved.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(48)));
        assertThatThrownBy(() -> requests.approve(leader, asked.id(), null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> requests.reject(leader, asked.id(), "too late")).isInstanceOf(
                IllegalStateException.class);

        // Only the requester downloads it; other data managers do not even see it.
        assertThatThrownBy(() -> requests.download(otherDataManager, asked.id(), ExportFormat.CSV))
                .isInstanceOf(ExportRequestNotFound.class);
        assertThatThrownBy(() -> requests.download(otherLeader, asked.id(), ExportFormat.CSV))
                .isInstanceOf(SecurityException.class);
        assertThat(auditRows(consented, "EXPORT")).isEmpty();

        ExportFile file = requests.download(dataManager, asked.id(), ExportFormat.CSV);
        String csv = new String(file.content(), StandardCharsets.UTF_8);
        assertThat(csv).contains("Testfirst Fakename").doesNotContain("Testsecond Fakename")
                .contains("WITHHELD: consent question 1.1 is not answered yes").contains(a).contains(b);
        String refusedLine = csv.lines().filter(l -> l.startsWith(b)).findFirst().orElseThrow();
        assertThat(refusedLine).doesNotContain("Feminine").doesNotContain("Test Parish North");

        List<AuditLogRecord> audited = auditRows(consented, "EXPORT");
        assertThat(audited).singleElement().satisfies(row -> {
            assertThat(row.getActor()).isEqualTo(dataManager.username());
            assertThat(row.getFields()).contains("prs_FirstName", "cas_Reference", "prs_Gender",
                    "export_request=" + asked.id());
        });
        assertThat(auditRows(refused, "EXPORT")).singleElement().satisfies(row ->
                assertThat(row.getFields()).doesNotContain("prs_FirstName", "prs_Gender"));

        // A bounded number of downloads, then an expiry.
        requests.download(dataManager, asked.id(), ExportFormat.JSON);
        requests.download(dataManager, asked.id(), ExportFormat.CSV);
        assertThatThrownBy(() -> requests.download(dataManager, asked.id(), ExportFormat.CSV))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the most this approval allows");
        assertThat(auditRows(consented, "EXPORT")).hasSize(3);
        assertThat(requests.view(dataManager, asked.id()).downloads()).isEqualTo(3);
    }

    /**
     * Merging a duplicate into a case must not cost the identifying export the duplicate's consent 1.1, nor let a
     * yes on one record outweigh a no on the other.
     */
    @Test
    void aMergeKeepsConsentOneOneForTheExportAndANoOnEitherRecordWithholdsTheName() {
        CaseId consented = identifiedCase("Testfirst Mergedname", true);
        CaseId kept = newCase(new CaseFacts("FEMALE", 30, "JM", "Test Parish North", LocalDate.of(2030, 5, 1), null,
                List.of("SEXUAL_EXPLOITATION")));
        registry.assign(kept, dataManager.id(), leader);
        duplicates.merge(consented, kept, "the same person (fake)", dataManager);

        CaseId yes = identifiedCase("Testsecond Yesname", true);
        CaseId no = identifiedCase("Testthird Noname", false);
        duplicates.merge(no, yes, "the same person (fake)", dataManager);

        ExportRequests.Request asked = requests.request(dataManager, List.of(reference(kept), reference(yes)),
                "referral for shelter assistance", "Test Shelter (fake)");
        requests.approve(leader, asked.id(), null);
        String csv = new String(requests.download(dataManager, asked.id(), ExportFormat.CSV).content(),
                StandardCharsets.UTF_8);
        assertThat(csv.lines().filter(l -> l.startsWith(reference(kept))).findFirst().orElseThrow())
                .contains("Testfirst Mergedname");
        assertThat(csv.lines().filter(l -> l.startsWith(reference(yes))).findFirst().orElseThrow())
                .doesNotContain("Yesname").contains("WITHHELD: consent question 1.1 is not answered yes");
    }

    /** The standard format's "other, specify" answers and C.7/C.8 places are free text: no export carries them. */
    @Test
    void freeTextOfTheStandardFormatNeverLeaves() {
        CaseId id = identifiedCase("Testfirst Textname", true);
        List<String> fields = List.of("recruitmentContactOther", "expectedActivitiesOther", "entryPlace",
                "destinationPlace", "activitiesOther", "exploitationPreventedOther", "corroborationOther");
        for (String field : fields) {
            registry.saveField(id, dataManager, field, "Fakeplace-" + field + " (test)");
        }
        registry.saveField(id, dataManager, "transitEngagedInActivity", true);
        ExportRequests.Request asked = requests.request(dataManager, List.of(reference(id)),
                "referral for shelter assistance", "Test Shelter (fake)");
        requests.approve(leader, asked.id(), null);
        for (ExportFormat format : ExportFormat.values()) {
            String file = new String(requests.download(dataManager, asked.id(), format).content(),
                    StandardCharsets.UTF_8);
            assertThat(file).contains("Testfirst Textname").doesNotContain("Fakeplace-");
        }
        assertThat(new String(export.nonIdentifying(dataManager, scope(), ExportFormat.JSON).content(),
                StandardCharsets.UTF_8)).doesNotContain("Fakeplace-");
    }

    @Test
    void anApprovalExpiresAndARejectionIsFinal() {
        CaseId id = identifiedCase("Testfirst Fakename", true);
        ExportRequests.Request asked = requests.request(dataManager, List.of(reference(id)),
                "referral for legal assistance", "Test Legal Aid (fake)");
        requests.approve(leader, asked.id(), null);
        clock.advance(Duration.ofHours(48));
        assertThatThrownBy(() -> requests.download(dataManager, asked.id(), ExportFormat.CSV))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");

        ExportRequests.Request second = requests.request(dataManager, List.of(reference(id)),
                "referral for legal assistance", "Test Legal Aid (fake)");
        assertThatThrownBy(() -> requests.reject(leader, second.id(), " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(requests.reject(leader, second.id(), "purpose too broad").status())
                .isEqualTo(ExportRequests.Status.REJECTED);
        assertThatThrownBy(() -> requests.download(dataManager, second.id(), ExportFormat.CSV))
                .isInstanceOf(IllegalStateException.class).hasMessage("this export was rejected");
        assertThatThrownBy(() -> requests.approve(otherLeader, second.id(), null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(auditRows(id, "EXPORT")).isEmpty();
        assertThat(requests.list(dataManager)).extracting(ExportRequests.Request::id)
                .contains(asked.id(), second.id());
        assertThat(requests.list(otherDataManager)).extracting(ExportRequests.Request::id)
                .doesNotContain(asked.id(), second.id());
    }

    /** Even a bug in the service, or a hand-written UPDATE, cannot make one person the requester and approver. */
    @Test
    void theDatabaseRefusesSelfApprovalAndApprovalByADataManager() {
        CaseId id = identifiedCase("Testfirst Fakename", true);
        ExportRequests.Request asked = requests.request(dataManager, List.of(reference(id)),
                "referral for shelter assistance", "Test Shelter (fake)");
        var now = clock.instant().atOffset(ZoneOffset.UTC);
        assertThatThrownBy(() -> db.update(EXPORT_REQUEST).set(EXPORT_REQUEST.STATUS, "APPROVED")
                .set(EXPORT_REQUEST.DECIDED_BY, dataManager.id().value()).set(EXPORT_REQUEST.DECIDED_AT, now)
                .set(EXPORT_REQUEST.EXPIRES_AT, now.plusHours(1))
                .where(EXPORT_REQUEST.ID.eq(asked.id().value())).execute()).isInstanceOf(DataAccessException.class);
        assertThatThrownBy(() -> db.update(EXPORT_REQUEST).set(EXPORT_REQUEST.STATUS, "APPROVED")
                .set(EXPORT_REQUEST.DECIDED_BY, otherDataManager.id().value()).set(EXPORT_REQUEST.DECIDED_AT, now)
                .set(EXPORT_REQUEST.EXPIRES_AT, now.plusHours(1))
                .where(EXPORT_REQUEST.ID.eq(asked.id().value())).execute()).isInstanceOf(DataAccessException.class);
        requests.approve(leader, asked.id(), null);
        assertThatThrownBy(() -> db.update(EXPORT_REQUEST).set(EXPORT_REQUEST.STATUS, "REJECTED")
                .set(EXPORT_REQUEST.EXPIRES_AT, (java.time.OffsetDateTime) null)
                .where(EXPORT_REQUEST.ID.eq(asked.id().value())).execute()).isInstanceOf(DataAccessException.class);
        assertThatThrownBy(() -> db.deleteFrom(EXPORT_REQUEST).where(EXPORT_REQUEST.ID.eq(asked.id().value()))
                .execute()).isInstanceOf(DataAccessException.class);
    }

    /** A download that fails half-way (here: a case whose personal data cannot be decrypted) leaves no trace. */
    @Test
    void aFailedDownloadCountsNothingAndAuditsNothing() {
        CaseId good = identifiedCase("Testfirst Fakename", true);
        CaseId broken = identifiedCase("Testsecond Fakename", true);
        ExportRequests.Request asked = requests.request(dataManager, List.of(reference(good), reference(broken)),
                "referral for shelter assistance", "Test Shelter (fake)");
        requests.approve(leader, asked.id(), null);
        byte[] otherCasesCiphertext = db.select(REGISTRY_CASE.PERSONAL_ENC).from(REGISTRY_CASE)
                .where(REGISTRY_CASE.ID.eq(good.value())).fetchOne(REGISTRY_CASE.PERSONAL_ENC);
        db.update(REGISTRY_CASE).set(REGISTRY_CASE.PERSONAL_ENC, otherCasesCiphertext)
                .where(REGISTRY_CASE.ID.eq(broken.value())).execute();

        assertThatThrownBy(() -> requests.download(dataManager, asked.id(), ExportFormat.CSV))
                .isInstanceOf(IllegalStateException.class);
        assertThat(requests.view(dataManager, asked.id()).downloads()).isZero();
        assertThat(auditRows(good, "EXPORT")).isEmpty();
    }

    @Test
    void requestsAreCheckedBeforeAnythingIsStored() {
        int before = db.fetchCount(EXPORT_REQUEST);
        assertThatThrownBy(() -> requests.request(leader, List.of(), "referral for shelter", "Test Shelter (fake)"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.request(leader, List.of("C-1999-999999"), "referral for shelter",
                "Test Shelter (fake)")).hasMessage("not in the registry: C-1999-999999");
        assertThatThrownBy(() -> requests.request(leader, List.of("Robert'); drop table"), "referral for shelter",
                "Test Shelter (fake)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.request(leader, List.of(reference(identifiedCase("Testfirst Fakename",
                true))), "short", "Test Shelter (fake)")).hasMessageContaining("purpose");
        assertThatThrownBy(() -> requests.view(dataManager, ExportRequestId.random()))
                .isInstanceOf(ExportRequestNotFound.class);
        assertThat(db.fetchCount(EXPORT_REQUEST)).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------------------------

    private HtcdsExport.Scope scope() {
        return new HtcdsExport.Scope(today, today, null);
    }

    /** A case assigned to the data manager, with a fake name and consent question 1.1 answered. */
    private CaseId identifiedCase(String name, boolean consentToShare) {
        CaseId id = newCase(new CaseFacts("FEMALE", 30, "JM", "Test Parish North", LocalDate.of(2030, 5, 1), null,
                List.of("SEXUAL_EXPLOITATION")));
        registry.assign(id, dataManager.id(), leader);
        registry.saveField(id, dataManager, "firstNames", name);
        registry.saveField(id, dataManager, "familyNames", "Fakename");
        registry.recordConsent(id, "1.1", consentToShare, "Test Interviewer (fake)", today, dataManager);
        return id;
    }

    private CaseId newCase(CaseFacts facts) {
        UUID report = UUID.randomUUID();
        String code = UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
        db.insertInto(ONLINE_REPORT)
                .set(ONLINE_REPORT.ID, report)
                .set(ONLINE_REPORT.REFERENCE, "R-" + code.substring(0, 4) + "-" + code.substring(4, 8))
                .set(ONLINE_REPORT.LANGUAGE, "en")
                .set(ONLINE_REPORT.ANONYMOUS, true)
                .set(ONLINE_REPORT.CONTACT_CONSENT, false)
                .set(ONLINE_REPORT.SUBMITTED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .execute();
        return registry.receive(new CaseSource.Online(report), facts, null).id();
    }

    private String reference(CaseId id) {
        return db.select(REGISTRY_CASE.REFERENCE).from(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value()))
                .fetchOne(REGISTRY_CASE.REFERENCE);
    }

    private List<AuditLogRecord> auditRows(CaseId id, String action) {
        return db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("registry_case"))
                .and(AUDIT_LOG.ENTITY_ID.eq(id.toString())).and(AUDIT_LOG.ACTION.eq(action)).orderBy(AUDIT_LOG.ID)
                .fetch();
    }

    private static List<String> texts(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}

