package org.tiphotline.escalation;

import java.time.Instant;
import java.util.UUID;
import org.tiphotline.calls.CallId;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.OperatorId;

/** An urgent case raised to one agency, from being raised to acknowledged, its outcome, and closed. */
public record Escalation(Id id, CallId call, ReportId report, String agency, Level level, Source source,
        String reason, OperatorId raisedBy, Instant raisedAt, Status status, int alertRound, Instant nextAlertAt,
        Instant acknowledgedAt, OperatorId acknowledgedBy, String outcome, Instant outcomeAt, Instant closedAt,
        OperatorId closedBy, String closedReason) {

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

    /** Who raised it: an operator, the caller's IVR answer, or a rule (a minor → child protection). */
    public enum Source { OPERATOR, IVR, RULE }

    public enum Status { OPEN, ACKNOWLEDGED, CLOSED }

    /** Facts the console and the alert senders react to, published after the change is committed. */
    public sealed interface Event permits Raised, Overdue, Acknowledged, Closed {
        Id escalation();
    }

    public record Raised(Id escalation, String agency, Level level) implements Event {}

    /** A deadline passed with nobody acknowledging: round {@code round} of alerts is due, supervisors too. */
    public record Overdue(Id escalation, String agency, int round) implements Event {}

    public record Acknowledged(Id escalation, String agency, OperatorId by) implements Event {}

    public record Closed(Id escalation, String agency, String reason) implements Event {}
}
