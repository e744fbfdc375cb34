package org.tiphotline.operators;

/** What a user may do; need-to-know access is decided from it. */
public enum Role {
    OPERATOR, SUPERVISOR,
    /** Completes and validates registry cases: the personal fields of the cases assigned to them. */
    DATA_MANAGER,
    /** The data manager who assigns cases, sees every case, and approves any release of identifying data. */
    DATA_MANAGEMENT_LEADER,
    ADMIN,
    /** Works for an agency of the directory: sees and acknowledges only the escalations addressed to it. */
    LIAISON,
    /** A public agent (police, health, school, immigration) who submits screening forms and sees receipts only. */
    AGENCY_REPORTER,
    /** A wall display of the floor: sees the floor's figures, operators' states and alerts, nothing else. */
    WALLBOARD,
    /**
     * Reads the audit trail (who read, created, changed or exported which record, and the sign-ins) and nothing
     * else: no case, call or report, so no personal data of any case.
     */
    AUDITOR
}
