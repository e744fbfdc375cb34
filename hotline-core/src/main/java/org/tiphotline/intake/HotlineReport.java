package org.tiphotline.intake;

import java.time.Instant;
import java.util.Map;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * A hotline report as read by someone allowed to see it; {@code values} holds every filled field this reader may
 * read, and {@code personalHidden} says the report has personal fields that are not theirs to read. A draft also
 * carries each field's version (what a save starts from) and, for readers of its personal fields, what the form
 * refused but keeps ({@code refused}).
 */
public record HotlineReport(ReportId id, CallId call, OperatorId operator, String operatorName, Status status,
        int version, Map<String, Object> values, boolean personalHidden, Instant createdAt, Instant updatedAt,
        Instant submittedAt, Map<String, Integer> fieldVersions, Map<String, Refused> refused) {

    public enum Status { DRAFT, SUBMITTED }

    /** Text typed into a field that the form did not accept, kept with the draft, and why it was not accepted. */
    public record Refused(String value, String reason) {}

    /**
     * Published after a change to the fields that the escalation rules read (the victim's age, the kinds of
     * trafficking) is committed, with their values now: a minor must reach child protection as soon as the
     * operator types the age, not when the report is submitted.
     */
    public record ProtectionFactsChanged(ReportId report, CallId call, Integer victimAge,
            java.util.List<String> traffickingTypes) {}

    /**
     * Published after a field of a draft is saved with a new value: the operator's other tabs show the stored value
     * (they read it through the audited report read; the event carries no value).
     */
    public record FieldSaved(ReportId report, String operatorUsername, String field, int fieldVersion) {}

    /** Published once a report is submitted: it is final for the operator and enters the registry. */
    public record Submitted(ReportId report, CallId call, OperatorId operator) {}
}
