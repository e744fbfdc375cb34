package org.tiphotline.intake;

import java.time.Instant;
import java.util.Map;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/** A hotline report as read by someone allowed to see it; {@code values} holds every filled field. */
public record HotlineReport(ReportId id, CallId call, OperatorId operator, String operatorName, Status status,
        int version, Map<String, Object> values, Instant createdAt, Instant updatedAt, Instant submittedAt) {

    public enum Status { DRAFT, SUBMITTED }

    /** Published once a report is submitted: it is final for the operator and enters the registry. */
    public record Submitted(ReportId report, CallId call, OperatorId operator) {}
}
