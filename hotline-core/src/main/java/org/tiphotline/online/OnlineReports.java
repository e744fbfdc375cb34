package org.tiphotline.online;

import static org.tiphotline.db.Tables.ONLINE_REPORT;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.OnlineReportRecord;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.ReferenceCodes;
import org.tiphotline.registry.CaseFacts;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives online reports: checks the whole submission, stores it (statistical fields typed, everything personal
 * in one encrypted JSON object bound to its row), audits the personal data it created and enters it into the
 * registry as a potential case, all in one transaction: a report is either stored with its case or not at all.
 * The reporter gets a reference code and nothing else back.
 */
@Service
public class OnlineReports {

    /** Who the audit trail names for what the public form creates: nobody signs in to send it. */
    public static final String ACTOR = "online-form";

    /** What the reporter is told: the code to quote if they call the hotline about it. */
    public record Receipt(String reference) {}

    private static final Logger log = LoggerFactory.getLogger(OnlineReports.class);
    private static final List<String> SEXES = List.of("FEMALE", "MALE", "TRANSGENDER_FEMALE", "TRANSGENDER_MALE");

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final OnlineForm form;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final Registry registry;
    private final ReferenceCodes references = new ReferenceCodes();
    private final JsonMapper json = JsonMapper.builder().build();

    public OnlineReports(DSLContext db, TransactionTemplate tx, Clock clock, OnlineForm form, FieldCipher cipher,
            AuditTrail audit, Registry registry) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.form = form;
        this.cipher = cipher;
        this.audit = audit;
        this.registry = registry;
    }

    /** Refuses with {@link org.tiphotline.intake.InvalidField} (nothing stored) or stores the report and its case. */
    public Receipt submit(String language, Map<String, ?> answers) {
        Map<String, Object> values = form.check(language, answers);
        TreeMap<String, String> personal = new TreeMap<>();
        for (String field : form.personalFields()) {
            if (values.get(field) instanceof String text) {
                personal.put(field, text);
            }
        }
        return tx.execute(status -> {
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            OnlineReportRecord row = db.newRecord(ONLINE_REPORT)
                    .setId(id)
                    .setLanguage(language)
                    .setTraffickingTypes(codes(values.get("traffickingTypes")))
                    .setVictimOrigin((String) values.get("victimOrigin"))
                    .setVictimCountry((String) values.get("victimCountry"))
                    .setPlace((String) values.get("place"))
                    .setIncidentDate((LocalDate) values.get("incidentDate"))
                    .setVictimDescriptors(codes(values.get("victimDescriptors")))
                    .setAnonymous(Boolean.TRUE.equals(values.get("anonymous")))
                    .setReporterSex((String) values.get("reporterSex"))
                    .setContactConsent(Boolean.TRUE.equals(values.get("contactConsent")))
                    .setReportedBefore((Boolean) values.get("reportedBefore"))
                    .setReportedOn((LocalDate) values.get("reportedOn"))
                    .setPersonalEnc(personal.isEmpty() ? null
                            : cipher.encrypt(json.writeValueAsString(personal), bound(id)))
                    .setSubmittedAt(now.atOffset(ZoneOffset.UTC));
            String reference = insertWithFreshReference(row);
            if (!personal.isEmpty()) {
                audit.record(ACTOR, AuditTrail.Action.CREATE, "online_report", id, personal.keySet());
            }
            Registry.Created created = registry.receive(new CaseSource.Online(id), facts(values), null);
            // The case number only: the reporter's code is theirs to quote, the log need not link the two.
            log.info("an online report entered the registry as case {}", created.reference());
            return new Receipt(reference);
        });
    }

    /**
     * Inserts with a new code until one is free. A clash is vanishingly rare; "do nothing" on the unique
     * reference keeps the transaction usable where a failed insert would abort it.
     */
    private String insertWithFreshReference(OnlineReportRecord row) {
        for (int attempt = 0; attempt < 10; attempt++) {
            String reference = references.next('R');
            row.setReference(reference);
            int inserted = db.insertInto(ONLINE_REPORT).set(row).onConflict(ONLINE_REPORT.REFERENCE).doNothing()
                    .execute();
            if (inserted == 1) {
                return reference;
            }
        }
        throw new IllegalStateException("no free reference code after 10 attempts");
    }

    /** What the registry's new case starts from: the statistical fields only. */
    private CaseFacts facts(Map<String, Object> values) {
        List<String> descriptors = values.get("victimDescriptors") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.of();
        List<String> sexes = descriptors.stream().filter(SEXES::contains).toList();
        String country = (String) values.get("victimCountry");
        if (country == null && "NATIONAL".equals(values.get("victimOrigin"))) {
            country = form.jurisdiction().country();
        }
        List<String> types = values.get("traffickingTypes") instanceof List<?> t
                ? t.stream().map(String::valueOf).toList() : List.of();
        // "Under 18" with "over 18" ticked too is a group with minors in it: still a child-protection matter.
        return new CaseFacts(sexes.size() == 1 ? sexes.getFirst() : null, null, country,
                (String) values.get("place"), (LocalDate) values.get("incidentDate"), null, types,
                descriptors.contains("UNDER_18"));
    }

    private static String[] codes(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toArray(String[]::new)
                : new String[0];
    }

    static String bound(UUID id) {
        return "online_report.personal:" + id;
    }
}
