package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_DISCLOSURE;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.tiphotline.calls.CallId;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.OperatorId;

/** An escalation's row read into an {@link Escalation}: one mapping for the escalations and their alert rounds. */
final class EscalationRows {

    private EscalationRows() {
    }

    /** The escalation with the basis of its disclosure (null when none was disclosed). */
    static org.jooq.SelectOnConditionStep<Record> withDisclosure(DSLContext db) {
        return db.select(ESCALATION.asterisk(), ESCALATION_DISCLOSURE.BASIS).from(ESCALATION)
                .leftJoin(ESCALATION_DISCLOSURE).on(ESCALATION_DISCLOSURE.ESCALATION_ID.eq(ESCALATION.ID));
    }

    static Escalation map(Record r) {
        return new Escalation(new Escalation.Id(r.get(ESCALATION.ID)),
                r.get(ESCALATION.CALL_ID) == null ? null : new CallId(r.get(ESCALATION.CALL_ID)),
                r.get(ESCALATION.REPORT_ID) == null ? null : new ReportId(r.get(ESCALATION.REPORT_ID)),
                r.get(ESCALATION.AGENCY), Escalation.Level.valueOf(r.get(ESCALATION.LEVEL)),
                Escalation.Source.valueOf(r.get(ESCALATION.SOURCE)),
                Escalation.Danger.valueOf(r.get(ESCALATION.DANGER)),
                Escalation.Source.valueOf(r.get(ESCALATION.SOURCE)) == Escalation.Source.OPERATOR ? null
                        : r.get(ESCALATION.REASON),
                user(r.get(ESCALATION.RAISED_BY)), instant(r.get(ESCALATION.RAISED_AT)),
                Escalation.Status.valueOf(r.get(ESCALATION.STATUS)), r.get(ESCALATION.ALERT_ROUND),
                instant(r.get(ESCALATION.NEXT_ALERT_AT)), instant(r.get(ESCALATION.ACKNOWLEDGED_AT)),
                user(r.get(ESCALATION.ACKNOWLEDGED_BY)),
                r.get(ESCALATION.OUTCOME_CODE) == null ? null : Escalation.Outcome.valueOf(r.get(ESCALATION.OUTCOME_CODE)),
                instant(r.get(ESCALATION.OUTCOME_AT)), instant(r.get(ESCALATION.CLOSED_AT)),
                user(r.get(ESCALATION.CLOSED_BY)), r.get(ESCALATION.CLOSED_REASON),
                r.field(ESCALATION_DISCLOSURE.BASIS) == null || r.get(ESCALATION_DISCLOSURE.BASIS) == null ? null
                        : Escalation.Disclosure.valueOf(r.get(ESCALATION_DISCLOSURE.BASIS)),
                r.get(ESCALATION.CASE_ID) == null ? null : new org.tiphotline.registry.CaseId(r.get(ESCALATION.CASE_ID)));
    }

    static OperatorId user(Long id) {
        return id == null ? null : new OperatorId(id);
    }

    static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
