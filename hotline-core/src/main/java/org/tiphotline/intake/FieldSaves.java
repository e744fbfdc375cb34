package org.tiphotline.intake;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.db.tables.records.HotlineReportRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.protection.AuditTrail;

/**
 * One field of a draft saved as the operator types (issue 17, "no word is lost"). A value the form accepts is
 * stored with its audit row and bumps the field's own version; a value saved from a stale copy of the field (a
 * second tab, another save meanwhile) is refused with the value stored now, so nobody's words are overwritten
 * unseen; a value the form refuses is kept with the draft, encrypted, with the reason, so that a reload shows it
 * back in its field instead of blanking it.
 */
@Component
class FieldSaves {

    /** Who recorded a consent answer, and when, is what makes it a recorded consent. */
    private static final Set<String> CONSENTS = Set.of("contactConsent", "shareConsent");

    /** The fields the escalation rules read (see {@link HotlineReport.ProtectionFactsChanged}). */
    private static final Set<String> PROTECTION_FACTS = Set.of("victimAge", "traffickingTypes");

    private final Reports reports;
    private final HotlineForm form;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final java.time.Clock clock;

    FieldSaves(Reports reports, HotlineForm form, AuditTrail audit, TransactionTemplate tx,
            ApplicationEventPublisher events, java.time.Clock clock) {
        this.reports = reports;
        this.form = form;
        this.audit = audit;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    /** What a save did: the report's version and the field's, or the value another save stored first. */
    private record Outcome(int version, int fieldVersion, boolean stale, Object current, boolean changed) {}

    /**
     * Validates and stores one field. {@code seen} is the field version the operator's copy started from; null
     * saves over whatever is stored (scripts that do not read first).
     */
    SavedField save(ReportId id, Actor actor, String fieldName, Object raw, Integer seen) {
        FormField field = form.field(fieldName);
        Object value;
        try {
            value = form.normalise(field, raw);
        } catch (InvalidField refused) {
            throw keep(id, actor, field, raw, refused);
        }
        AtomicReference<HotlineReport.ProtectionFactsChanged> facts = new AtomicReference<>();
        Outcome outcome;
        try {
            outcome = tx.execute(status -> store(id, actor, field, value, seen, facts));
        } catch (InvalidField refused) {
            throw keep(id, actor, field, raw, refused);
        }
        if (outcome.stale()) {
            throw new FieldChangedMeanwhile(field.name(), outcome.current(), outcome.fieldVersion());
        }
        if (facts.get() != null) {
            events.publishEvent(facts.get());
        }
        if (outcome.changed()) {
            events.publishEvent(new HotlineReport.FieldSaved(id, actor.username(), field.name(),
                    outcome.fieldVersion()));
        }
        return new SavedField(outcome.version(), outcome.fieldVersion());
    }

    private Outcome store(ReportId id, Actor actor, FormField field, Object value, Integer seen,
            AtomicReference<HotlineReport.ProtectionFactsChanged> facts) {
        HotlineReportRecord report = reports.editable(id, actor);
        Map<String, Integer> versions = reports.fieldVersions(report);
        int fieldVersion = versions.getOrDefault(field.name(), 0);
        Map<String, String> personal = field.personal() ? reports.personal(report) : Map.of();
        Object current = reports.values(report, personal).get(field.name());
        if (seen != null && seen != fieldVersion && !same(current, value)) {
            if (field.personal() && current != null) {
                // The operator is shown the stored text beside theirs: a read of it.
                audit.record(actor.username(), AuditTrail.Action.READ, "hotline_report", id, Set.of(field.name()));
            }
            return new Outcome(report.getVersion(), fieldVersion, true, current, false);
        }
        Map<String, HotlineReport.Refused> refused = reports.refused(report);
        boolean wasRefused = refused.remove(field.name()) != null;
        boolean changed = field.personal() ? setPersonal(report, personal, field, value)
                : reports.setTyped(report, field.name(), value);
        if (report.getPeriodFrom() != null && report.getPeriodTo() != null
                && report.getPeriodTo().isBefore(report.getPeriodFrom())) {
            // The table refuses such a period: tell the operator which field, not a database error.
            throw new InvalidField(field.name(), "the period cannot end before it starts");
        }
        if (wasRefused) {
            reports.setRefused(report, refused);
        }
        if (changed) {
            if (field.personal() || CONSENTS.contains(field.name())) {
                audit.record(actor.username(), AuditTrail.Action.CHANGE, "hotline_report", id, Set.of(field.name()));
            }
            versions.put(field.name(), ++fieldVersion);
            reports.setFieldVersions(report, versions);
            report.setVersion(report.getVersion() + 1).setUpdatedAt(Reports.utc(clock.instant()));
        }
        if (changed || wasRefused) {
            report.store();
        }
        if (changed && PROTECTION_FACTS.contains(field.name())) {
            facts.set(new HotlineReport.ProtectionFactsChanged(id, new CallId(report.getCallId()),
                    report.getVictimAge() == null ? null : report.getVictimAge().intValue(),
                    report.getTraffickingTypes() == null ? List.of() : List.of(report.getTraffickingTypes())));
        }
        return new Outcome(report.getVersion(), fieldVersion, false, null, changed);
    }

    private boolean setPersonal(HotlineReportRecord report, Map<String, String> personal, FormField field,
            Object value) {
        Map<String, String> all = new java.util.TreeMap<>(personal);
        String previous = value == null ? all.remove(field.name()) : all.put(field.name(), (String) value);
        if (Objects.equals(previous, value)) {
            return false;
        }
        reports.setPersonal(report, all);
        return true;
    }

    private static boolean same(Object stored, Object value) {
        // A cleared code list is stored as an empty one.
        Object a = stored instanceof List<?> l && l.isEmpty() ? null : stored;
        Object b = value instanceof List<?> l && l.isEmpty() ? null : value;
        return Objects.equals(a, b);
    }

    /**
     * Keeps what the operator typed that the form refused, with the reason, in the draft (encrypted, audited as a
     * change), and returns the refusal to throw. Kept in a transaction of its own: the refused save's rolled back.
     * Only what a person types is kept (text, a phone number, a number): a choice from a list has no words to
     * lose, and the page cannot send one that is not listed. A missing or closed report keeps nothing.
     */
    private InvalidField keep(ReportId id, Actor actor, FormField field, Object raw, InvalidField refused) {
        String typed = RefusedValueKept.keepable(field, raw, refused);
        if (typed == null) {
            return refused;
        }
        String reason = refused.problems().get(field.name());
        tx.executeWithoutResult(status -> {
            HotlineReportRecord report = reports.editable(id, actor);
            Map<String, HotlineReport.Refused> kept = reports.refused(report);
            kept.put(field.name(), new HotlineReport.Refused(typed, reason));
            reports.setRefused(report, kept);
            report.store();
            audit.record(actor.username(), AuditTrail.Action.CHANGE, "hotline_report", id, Set.of(field.name()));
        });
        return new RefusedValueKept(refused.problems());
    }
}
