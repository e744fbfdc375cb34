package org.tiphotline.escalation;

import java.time.Instant;
import java.util.UUID;
import org.tiphotline.calls.CallId;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.OperatorId;

/**
 * An urgent case raised to one agency, from being raised to acknowledged, its outcome, and closed.
 *
 * @param danger the nature of the danger, as a code every alert may carry
 * @param reason the system's own words for a rule's or the phone menu's escalation; null for an operator's, whose
 *     words may name people and are read through {@link Escalations#operatorReason} with an audit row
 * @param outcome what the agency did, as a code; its free-text note is personal data, read through
 *     {@link Escalations#outcomeNote} with an audit row
 * @param disclosure why the alerts may carry identifying details; null: they carry none
 * @param caseId the registry case it is about when no call or hotline report is (an online or screening report)
 */
public record Escalation(Id id, CallId call, ReportId report, String agency, Level level, Source source,
        Danger danger, String reason, OperatorId raisedBy, Instant raisedAt, Status status, int alertRound, Instant nextAlertAt,
        Instant acknowledgedAt, OperatorId acknowledgedBy, Outcome outcome, Instant outcomeAt, Instant closedAt,
        OperatorId closedBy, String closedReason, Disclosure disclosure, org.tiphotline.registry.CaseId caseId) {

    public record Id(UUID value) {
        public static Id random() {
            return new Id(UUID.randomUUID());
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /** {@code IMMEDIATE}: someone is in danger now; {@code URGENT}: must be acted on today. */
    public enum Level { IMMEDIATE, URGENT }

    /**
     * What the danger is, for responders to know what they go into without reading anyone's words: the operator
     * picks it; the phone menu's alerts say {@code NOT_STATED}, a rule's referral of a minor {@code MINOR_AT_RISK}.
     */
    public enum Danger { VIOLENCE, CONFINEMENT, ABOUT_TO_BE_MOVED, MEDICAL, MINOR_AT_RISK, OTHER, NOT_STATED }

    /** Who raised it: an operator, the caller's IVR answer, or a rule (a minor → child protection). */
    public enum Source { OPERATOR, IVR, RULE }

    public enum Status { OPEN, ACKNOWLEDGED, CLOSED }

    /** What the agency did about it. */
    public enum Outcome {
        OFFICERS_DISPATCHED, VICTIM_REMOVED, VICTIM_CONTACTED, REFERRED_ON, INVESTIGATION_OPENED, NO_ACTION, OTHER
    }

    /**
     * Why identifying details of the victim or caller may go to the agency: the caller's consent recorded on the
     * report, or an override that only a victim under 18 or an imminent danger allows.
     */
    public enum Disclosure { CONSENT, OVERRIDE_MINOR, OVERRIDE_IMMINENT_DANGER;

        public boolean isOverride() {
            return this != CONSENT;
        }
    }

    /** Facts the console and the alert senders react to, published after the change is committed. */
    public sealed interface Event permits Raised, Overdue, Acknowledged, OutcomeRecorded, DisclosureAuthorised,
            Closed {
        Id escalation();
    }

    public record Raised(Id escalation, String agency, Level level) implements Event {}

    /** A deadline passed with nobody acknowledging: round {@code round} of alerts is due, supervisors too. */
    public record Overdue(Id escalation, String agency, int round) implements Event {}

    public record Acknowledged(Id escalation, String agency, OperatorId by) implements Event {}

    public record OutcomeRecorded(Id escalation, String agency, Outcome outcome) implements Event {}

    /** Identifying details may now go to the agency; supervisors are shown every override. */
    public record DisclosureAuthorised(Id escalation, String agency, Disclosure basis, OperatorId by)
            implements Event {}

    public record Closed(Id escalation, String agency, String reason) implements Event {}
}
