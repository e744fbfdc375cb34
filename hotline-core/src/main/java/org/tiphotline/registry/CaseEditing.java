package org.tiphotline.registry;

import static org.tiphotline.registry.CaseRecords.utc;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.JSONB;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.RefusedValueKept;
import org.tiphotline.operators.Actor;
import org.tiphotline.protection.AuditTrail;

/**
 * Editing a case in the standard format, field by field, each field with a version of its own so that a save
 * typed over a value its writer never saw is refused with the value stored now; and the consent answers, each
 * kept with who asked and when.
 */
@Component
class CaseEditing {

    /** The field name audit rows give to who asked the consent questions. */
    private static final FormField ASKED_BY = FormField.personal("askedBy", "Consent", "Asked by",
            FormField.Kind.TEXT, 120);

    private final TransactionTemplate tx;
    private final CaseRecords records;
    private final CaseForm form;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;

    CaseEditing(TransactionTemplate tx, CaseRecords records, CaseForm form, AuditTrail audit,
            ApplicationEventPublisher events) {
        this.tx = tx;
        this.records = records;
        this.form = form;
        this.audit = audit;
        this.events = events;
    }

    /**
     * Validates and stores one field. {@code seen}: the field's version the writer's value was typed over (null: not
     * checked, for callers that never show the field). A different version and a different value stored now is a
     * {@link FieldConflict}; the same value is no conflict. Typed text the format refuses is kept with the case
     * ({@link #keep}); an accepted save of the field forgets it.
     */
    Registry.Saved saveField(CaseId id, Actor actor, String fieldName, Object raw, Integer seen) {
        FormField field = form.field(fieldName);
        try {
            Object value = form.normalise(field, raw);
            return tx.execute(status -> store(id, actor, field, value, seen));
        } catch (InvalidField refused) {
            throw keep(id, actor, field, raw, refused);
        }
    }

    private Registry.Saved store(CaseId id, Actor actor, FormField field, Object value, Integer seen) {
        RegistryCaseRecord r = records.lockToWork(id, actor);
        Map<String, Integer> versions = records.fieldVersions(r);
        int fieldVersion = versions.getOrDefault(field.name(), 0);
        if (seen != null && seen != fieldVersion) {
            Map<String, String> personal = field.personal() ? records.personal(r) : Map.of();
            Object current = records.value(r, field.name(), personal);
            if (!Objects.equals(stringOf(current), stringOf(value))) {
                if (field.personal() && current != null) {
                    audit.record(actor.username(), AuditTrail.Action.READ, "registry_case", id,
                            List.of(field.name()));
                }
                throw new FieldConflict(field.name(), current, fieldVersion);
            }
        }
        boolean changed;
        if (field.personal()) {
            Map<String, String> personal = records.personal(r);
            String text = value == null ? null : value.toString();
            changed = !Objects.equals(text == null ? personal.remove(field.name())
                    : personal.put(field.name(), text), text);
            if (changed) {
                records.storePersonal(r, personal);
                audit.record(actor.username(), AuditTrail.Action.CHANGE, "registry_case", id,
                        List.of(field.name()));
            }
        } else if (CaseRecords.COLUMNS.containsKey(field.name())) {
            changed = CaseRecords.setTyped(r, field.name(), value);
            if (r.getPeriodFrom() != null && r.getPeriodTo() != null && r.getPeriodTo().isBefore(r.getPeriodFrom())) {
                throw new InvalidField(field.name(), "the period cannot end before it starts");
            }
        } else {
            TreeMap<String, Object> details = records.json.readValue(r.getDetails().data(), CaseRecords.DETAILS);
            Object stored = value instanceof LocalDate d ? d.toString() : value;
            changed = !Objects.equals(stored == null ? details.remove(field.name())
                    : details.put(field.name(), stored), stored);
            r.setDetails(JSONB.valueOf(records.json.writeValueAsString(details)));
        }
        Map<String, Registry.Refused> refused = records.refused(r);
        if (refused.remove(field.name()) != null) {
            records.storeRefused(r, refused);
            if (!changed) {
                r.store();
            }
        }
        if (!changed) {
            return new Registry.Saved(r.getVersion(), fieldVersion);
        }
        versions.put(field.name(), fieldVersion + 1);
        records.storeFieldVersions(r, versions);
        r.setVersion(r.getVersion() + 1).setUpdatedAt(utc(records.clock.instant())).store();
        records.event(id, "CHANGED", actor.id(), Map.of("field", field.name()));
        if (field.name().equals("age") || field.name().equals("exploitationTypes")) {
            events.publishEvent(new Registry.ProtectionFactsChanged(id, r.getAge() != null && r.getAge() < 18,
                    List.of(r.getExploitationTypes())));
        }
        return new Registry.Saved(r.getVersion(), fieldVersion + 1);
    }

    /**
     * Keeps what was typed into a text, phone or number field that the format refused, with the reason, on the case
     * (encrypted, a personal field's audited as a change), and returns the refusal to throw. In a transaction of its
     * own: the refused save's is rolled back. Only someone who may change the case keeps anything there.
     */
    private InvalidField keep(CaseId id, Actor actor, FormField field, Object raw, InvalidField refused) {
        String typed = RefusedValueKept.keepable(field, raw, refused);
        if (typed == null) {
            return refused;
        }
        String reason = refused.problems().get(field.name());
        tx.executeWithoutResult(status -> {
            RegistryCaseRecord r = records.lockToWork(id, actor);
            Map<String, Registry.Refused> kept = records.refused(r);
            kept.put(field.name(), new Registry.Refused(typed, reason));
            records.storeRefused(r, kept);
            r.store();
            if (field.personal()) {
                audit.record(actor.username(), AuditTrail.Action.CHANGE, "registry_case", id, List.of(field.name()));
            }
        });
        return new RefusedValueKept(refused.problems());
    }

    /** Lists and dates compare as they are shown: a stored date and the same typed date are the same value. */
    private static String stringOf(Object value) {
        return value == null ? null : value.toString();
    }

    /** See {@link Registry#recordConsent}. */
    void recordConsent(CaseId id, String question, Boolean answer, String askedBy, LocalDate askedOn, Actor actor) {
        if (question == null || !question.matches("1\\.[1-5]")) {
            throw new IllegalArgumentException("question must be one of 1.1, 1.2, 1.3, 1.4, 1.5");
        }
        if (answer == null) {
            throw new IllegalArgumentException("answer must be yes or no");
        }
        if (askedBy == null || askedBy.isBlank() || askedBy.length() > 120) {
            throw new IllegalArgumentException("say who asked (1-120 characters)");
        }
        // Who asked is a name, kept like every other personal field: plain text only, no markup.
        form.normalise(ASKED_BY, askedBy.strip());
        if (askedOn == null || askedOn.isAfter(LocalDate.now(records.clock).plusDays(1)) || askedOn.getYear() < 2000) {
            throw new IllegalArgumentException("the date it was asked must be a real date, not in the future");
        }
        tx.executeWithoutResult(status -> {
            records.lockToWork(id, actor);
            UUID answerId = records.insertAnswer(id, question, answer, askedBy.strip(), askedOn, actor.id(),
                    records.clock.instant(), null);
            records.makeCurrent(id, question, answerId);
            audit.record(actor.username(), AuditTrail.Action.CHANGE, "registry_case", id,
                    List.of("consent." + question));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("question", question);
            detail.put("answer", answer);
            detail.put("askedOn", askedOn.toString());
            detail.put("answerId", answerId);
            records.event(id, "CONSENT", actor.id(), detail);
        });
    }
}
