package org.tiphotline.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CASE_EVENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.db.tables.records.AuditLogRecord;
import org.tiphotline.db.tables.records.OnlineReportRecord;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.protection.ReferenceCodes;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/** The online form on a real PostgreSQL: what is stored (and how), its case, its audit row, and every refusal. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class OnlineReportsTest {

    private static final String FIRST = "Testfirst";
    private static final String LAST = "Fakename";
    private static final String PHONE = "+1 555 0100 137";
    private static final String ADDRESS = "12 Pelican-Marmalade Lane, Fakeville";
    private static final String DESCRIPTION = "Fake test account: workers locked in the quokka test warehouse";

    @Autowired
    private OnlineReports reports;
    @Autowired
    private DSLContext db;
    @Autowired
    private FieldCipher cipher;
    @Autowired
    private MutableClock clock;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START);
    }

    private static Map<String, Object> anonymous() {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("traffickingTypes", List.of("DOMESTIC_LABOUR", "CHILD_LABOUR"));
        answers.put("victimOrigin", "NATIONAL");
        answers.put("place", CoreTestConfiguration.PLACES.get(1));
        answers.put("incidentDate", "2025-02-20");
        answers.put("victimDescriptors", List.of("FEMALE", "UNDER_18", "INDIVIDUAL_ALONE"));
        answers.put("anonymous", true);
        answers.put("reporterSex", "MALE");
        return answers;
    }

    private static Map<String, Object> withContact() {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("traffickingTypes", List.of("LABOUR"));
        answers.put("victimOrigin", "FOREIGNER");
        answers.put("victimCountry", "ve");
        answers.put("description", DESCRIPTION);
        answers.put("victimDescriptors", List.of("GROUP_OF_PEOPLE", "MALE", "FEMALE"));
        answers.put("anonymous", false);
        answers.put("contactConsent", true);
        answers.put("contactFirstName", FIRST);
        answers.put("contactLastName", LAST);
        answers.put("contactPhone", PHONE);
        answers.put("contactAddress", ADDRESS);
        answers.put("reportedBefore", true);
        answers.put("reportedToAgency", "Fake Test Agency");
        answers.put("reportedOn", "2025-02-28");
        return answers;
    }

    private OnlineReportRecord stored(String reference) {
        return db.selectFrom(ONLINE_REPORT).where(ONLINE_REPORT.REFERENCE.eq(reference)).fetchSingle();
    }

    private RegistryCaseRecord caseOf(OnlineReportRecord report) {
        return db.select(REGISTRY_CASE.fields()).from(CASE_SOURCE).join(REGISTRY_CASE)
                .on(REGISTRY_CASE.ID.eq(CASE_SOURCE.CASE_ID)).where(CASE_SOURCE.ONLINE_REPORT_ID.eq(report.getId()))
                .fetchSingle().into(REGISTRY_CASE);
    }

    private List<AuditLogRecord> audit(OnlineReportRecord report) {
        return db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("online_report"))
                .and(AUDIT_LOG.ENTITY_ID.eq(report.getId().toString())).fetch();
    }

    @Test
    void anAnonymousReportKeepsOnlyStatisticalFieldsAndBecomesAPotentialCase() {
        OnlineReports.Receipt receipt = reports.submit("es", anonymous());

        assertThat(receipt.reference()).matches("R-[" + ReferenceCodes.ALPHABET + "]{4}-["
                + ReferenceCodes.ALPHABET + "]{4}");
        OnlineReportRecord row = stored(receipt.reference());
        assertThat(row.getLanguage()).isEqualTo("es");
        assertThat(row.getAnonymous()).isTrue();
        assertThat(row.getContactConsent()).isFalse();
        assertThat(row.getReporterSex()).isEqualTo("MALE");
        assertThat(row.getTraffickingTypes()).containsExactly("DOMESTIC_LABOUR", "CHILD_LABOUR");
        assertThat(row.getVictimDescriptors()).containsExactly("FEMALE", "UNDER_18", "INDIVIDUAL_ALONE");
        assertThat(row.getPlace()).isEqualTo(CoreTestConfiguration.PLACES.get(1));
        assertThat(row.getIncidentDate()).isEqualTo(LocalDate.parse("2025-02-20"));
        assertThat(row.getPersonalEnc()).as("nothing personal was given, nothing personal is kept").isNull();
        assertThat(audit(row)).as("no personal data, nothing to audit").isEmpty();

        RegistryCaseRecord registered = caseOf(row);
        assertThat(registered.getStatus()).isEqualTo("POTENTIAL");
        assertThat(registered.getSex()).isEqualTo("FEMALE");
        assertThat(registered.getCountryOfBirth()).as("a national of the test jurisdiction").isEqualTo("JM");
        assertThat(registered.getPlace()).isEqualTo(CoreTestConfiguration.PLACES.get(1));
        assertThat(registered.getPeriodFrom()).isEqualTo(LocalDate.parse("2025-02-20"));
        assertThat(registered.getExploitationTypes()).containsExactly("DOMESTIC_LABOUR", "CHILD_LABOUR");
        assertThat(registered.getPersonalEnc()).isNull();
        assertThat(db.select(CASE_EVENT.TYPE).from(CASE_EVENT).where(CASE_EVENT.CASE_ID.eq(registered.getId()))
                .orderBy(CASE_EVENT.SEQ).fetch(CASE_EVENT.TYPE)).containsExactly("CREATED", "SOURCE_LINKED");
    }

    @Test
    void contactDetailsAreEncryptedAtRestBoundToTheirRowAndTheirCreationIsAudited() {
        OnlineReports.Receipt receipt = reports.submit("en", withContact());
        OnlineReportRecord row = stored(receipt.reference());

        assertThat(row.getContactConsent()).isTrue();
        assertThat(row.getVictimCountry()).isEqualTo("VE");
        assertThat(row.getReportedBefore()).isTrue();
        assertThat(row.getReportedOn()).isEqualTo(LocalDate.parse("2025-02-28"));
        // The raw bytes of every column of the stored row, as the database holds them.
        Record raw = db.fetchSingle("select * from hotline.online_report where id = ?", row.getId());
        for (Object value : raw.intoArray()) {
            String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1)
                    : String.valueOf(value);
            for (String secret : List.of(FIRST, LAST, "0100 137", "Pelican", "quokka", "Fake Test Agency")) {
                assertThat(text).doesNotContain(secret);
            }
        }
        String plain = cipher.decrypt(row.getPersonalEnc(), OnlineReports.bound(row.getId()));
        assertThat(plain).contains(FIRST, LAST, PHONE, ADDRESS, DESCRIPTION, "Fake Test Agency");
        assertThatThrownBy(() -> cipher.decrypt(row.getPersonalEnc(), OnlineReports.bound(UUID.randomUUID())))
                .as("copied onto another row it does not decrypt").isInstanceOf(IllegalStateException.class);

        List<AuditLogRecord> audit = audit(row);
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst().getActor()).isEqualTo(OnlineReports.ACTOR);
        assertThat(audit.getFirst().getAction()).isEqualTo("CREATE");
        assertThat(audit.getFirst().getFields()).containsExactlyInAnyOrder("contactAddress", "contactFirstName",
                "contactLastName", "contactPhone", "description", "reportedToAgency");

        RegistryCaseRecord registered = caseOf(row);
        assertThat(registered.getStatus()).isEqualTo("POTENTIAL");
        assertThat(registered.getSex()).as("a mixed group has no one sex").isNull();
        assertThat(registered.getCountryOfBirth()).isEqualTo("VE");
        assertThat(registered.getPersonalEnc()).as("the case starts from statistics only").isNull();
    }

    @Test
    void refusedSubmissionsStoreNothingAndNameTheField() {
        long reportsBefore = db.fetchCount(ONLINE_REPORT);
        long casesBefore = db.fetchCount(REGISTRY_CASE);
        long auditBefore = db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq(OnlineReports.ACTOR));

        refused(a -> a.put("description", "help <script>alert(1)</script>"), "description", "plain text");
        refused(a -> a.put("traffickerInfo", "<b>the boss</b>"), "traffickerInfo", "plain text");
        refused(a -> a.put("locationDetail", "near the &lt;fake&gt; market"), "locationDetail", "plain text");
        refused(a -> a.put("contactConsent", true), "contactConsent", "anonymous");
        refused(a -> a.put("contactPhone", PHONE), "contactPhone", "anonymous");
        refused(a -> a.put("traffickingTypes", List.of("LABOUR", "ORGAN_HARVESTING_TYPO")), "traffickingTypes",
                "listed options");
        refused(a -> a.put("place", "Atlantis (not a test place)"), "place", "listed options");
        refused(a -> a.put("victimCountry", "XX"), "victimCountry", "ISO country");
        refused(a -> a.put("victimCountry", "VE"), "victimCountry", "national");
        refused(a -> a.put("incidentDate", "2031-01-01"), "incidentDate", "between 1900 and today");
        refused(a -> a.put("description", "x".repeat(4001)), "description", "at most 4000");
        refused(a -> a.put("reporterLocality", "line\u0000break"), "reporterLocality", "control characters");
        refused(a -> a.put("reportedOn", "2025-01-01"), "reportedOn", "already reported");
        refused(a -> a.put("favouriteColour", "green"), "favouriteColour", "no such field");
        refused(a -> {
            a.clear();
            a.put("anonymous", true);
        }, "description", "describe the situation");
        refused(a -> {
            a.put("anonymous", false);
            a.put("contactConsent", true);
            a.put("contactAddress", ADDRESS);
        }, "contactConsent", "a name or a phone number");
        InvalidField language = invalid(() -> reports.submit("de", anonymous()));
        assertThat(language.problems()).containsKey("language");

        assertThat(db.fetchCount(ONLINE_REPORT)).isEqualTo(reportsBefore);
        assertThat(db.fetchCount(REGISTRY_CASE)).isEqualTo(casesBefore);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq(OnlineReports.ACTOR))).isEqualTo(auditBefore);
    }

    @Test
    void whenTheCaseCannotBeCreatedTheReportIsNotStoredEither() {
        long reportsBefore = db.fetchCount(ONLINE_REPORT);
        long auditBefore = db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq(OnlineReports.ACTOR));
        // A registry that fails after the report and its audit row were written in the same transaction.
        // DDL: the schema's owner's (the application's role has none).
        DSLContext owner = DSL.using(TestDatabase.get().ownerDataSource(), SQLDialect.POSTGRES);
        owner.execute("create function hotline.test_refuse_case() returns trigger language plpgsql as $$ "
                + "begin raise exception 'test: the registry is down'; end $$");
        owner.execute("create trigger test_refuse_case before insert on hotline.registry_case "
                + "for each row execute function hotline.test_refuse_case()");
        try {
            assertThatThrownBy(() -> reports.submit("en", withContact())).isInstanceOf(RuntimeException.class);
        } finally {
            owner.execute("drop trigger test_refuse_case on hotline.registry_case");
            owner.execute("drop function hotline.test_refuse_case()");
        }
        assertThat(db.fetchCount(ONLINE_REPORT)).isEqualTo(reportsBefore);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq(OnlineReports.ACTOR))).isEqualTo(auditBefore);
    }

    @Test
    void referenceCodesUseOnlyUnambiguousCharactersAndDoNotRepeat() {
        ReferenceCodes codes = new ReferenceCodes();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String code = codes.next('R');
            assertThat(code).matches("R-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}");
            seen.add(code);
        }
        assertThat(seen).hasSize(2000);
        assertThat(ReferenceCodes.ALPHABET).doesNotContain("0", "O", "1", "I", "L", "U", "V");
    }

    private void refused(Consumer<Map<String, Object>> change, String field, String message) {
        Map<String, Object> answers = anonymous();
        change.accept(answers);
        InvalidField e = invalid(() -> reports.submit("en", answers));
        assertThat(e.problems()).as("refusal of %s", field).containsKey(field);
        assertThat(e.problems().get(field)).contains(message);
    }

    private static InvalidField invalid(Runnable action) {
        try {
            action.run();
        } catch (InvalidField e) {
            return e;
        }
        throw new AssertionError("expected InvalidField");
    }
}
