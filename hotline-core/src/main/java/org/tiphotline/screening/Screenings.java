package org.tiphotline.screening;

import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.intake.FormField;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.ReferenceCodes;
import org.tiphotline.registry.CaseFacts;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Screening forms from agency reporters. The whole form is submitted at once, stored (personal answers
 * encrypted) and received by the registry as a potential case in the same transaction; the agent gets a receipt
 * with a reference, never the data back: "no paper filled with the data should be kept by the agent".
 */
@Service
public class Screenings {

    /** What the agent keeps: that they reported, when, and the reference to quote. */
    public record Receipt(String reference, Instant submittedAt) {}

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ScreeningForm form;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final Registry registry;
    private final ReferenceCodes references = new ReferenceCodes();
    private final JsonMapper json = JsonMapper.builder().build();

    public Screenings(DSLContext db, TransactionTemplate tx, Clock clock, ScreeningForm form, FieldCipher cipher,
            AuditTrail audit, Registry registry) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.form = form;
        this.cipher = cipher;
        this.audit = audit;
        this.registry = registry;
    }

    public Receipt submit(Map<String, Object> submitted, Actor reporter) {
        if (!reporter.is(Role.AGENCY_REPORTER)) {
            throw new SecurityException("screening forms are submitted by agency reporter accounts");
        }
        Map<String, Object> values = form.check(submitted);
        Map<String, String> personal = new TreeMap<>();
        for (FormField field : form.fields()) {
            if (field.personal() && values.get(field.name()) != null) {
                personal.put(field.name(), values.get(field.name()).toString());
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return store(values, personal, reporter);
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // Two references alike (one in 10^12): draw another, a few times at most.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private Receipt store(Map<String, Object> values, Map<String, String> personal, Actor reporter) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        String reference = references.next('S');
        tx.executeWithoutResult(status -> {
            db.insertInto(SCREENING_REPORT)
                    .set(SCREENING_REPORT.ID, id)
                    .set(SCREENING_REPORT.REFERENCE, reference)
                    .set(SCREENING_REPORT.REPORTER_ID, reporter.id().value())
                    .set(SCREENING_REPORT.SITUATION, (String) values.get("situation"))
                    .set(SCREENING_REPORT.PERIOD_FROM, (LocalDate) values.get("periodFrom"))
                    .set(SCREENING_REPORT.PERIOD_TO, (LocalDate) values.get("periodTo"))
                    .set(SCREENING_REPORT.PLACE, (String) values.get("place"))
                    .set(SCREENING_REPORT.REGISTERED_ON, (LocalDate) values.get("registeredOn"))
                    .set(SCREENING_REPORT.VICTIM_SEX, (String) values.get("victimSex"))
                    .set(SCREENING_REPORT.VICTIM_AGE, values.get("victimAge") == null ? null
                            : ((Integer) values.get("victimAge")).shortValue())
                    .set(SCREENING_REPORT.VICTIM_COUNTRY_OF_BIRTH, (String) values.get("victimCountryOfBirth"))
                    .set(SCREENING_REPORT.TRAFFICKING_TYPES, types(values).toArray(String[]::new))
                    .set(SCREENING_REPORT.REPORTED_TO, (String) values.get("reportedTo"))
                    .set(SCREENING_REPORT.REPORTED_ON, (LocalDate) values.get("reportedOn"))
                    .set(SCREENING_REPORT.PERSONAL_ENC, personal.isEmpty() ? null
                            : cipher.encrypt(json.writeValueAsString(personal), "screening_report.personal:" + id))
                    .set(SCREENING_REPORT.SUBMITTED_AT, now.atOffset(ZoneOffset.UTC))
                    .execute();
            if (!personal.isEmpty()) {
                audit.record(reporter.username(), AuditTrail.Action.CREATE, "screening_report", id,
                        personal.keySet());
            }
            registry.receive(new CaseSource.Screening(id), new CaseFacts((String) values.get("victimSex"),
                    (Integer) values.get("victimAge"), (String) values.get("victimCountryOfBirth"),
                    (String) values.get("place"), (LocalDate) values.get("periodFrom"),
                    (LocalDate) values.get("periodTo"), types(values)), null);
        });
        return new Receipt(reference, now);
    }

    /** The agent's own receipts, newest first: references and times, nothing of what was reported. */
    public List<Receipt> receipts(Actor reporter) {
        return db.select(SCREENING_REPORT.REFERENCE, SCREENING_REPORT.SUBMITTED_AT).from(SCREENING_REPORT)
                .where(SCREENING_REPORT.REPORTER_ID.eq(reporter.id().value()))
                .orderBy(SCREENING_REPORT.SUBMITTED_AT.desc()).limit(50)
                .fetch(r -> new Receipt(r.value1(), r.value2().toInstant()));
    }

    @SuppressWarnings("unchecked")
    private static List<String> types(Map<String, Object> values) {
        Object types = values.get("traffickingTypes");
        return types == null ? List.of() : (List<String>) types;
    }
}
