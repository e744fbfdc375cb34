package org.tiphotline.console.floorreport;

/**
 * Who may read floor reports, in one place for the API, the page and WebSecurity. Supervisors run the floor;
 * administrators already see it; the data management leader produces the task force's reports. Not data managers
 * or operators (the operators' rows are their colleagues' working time), and never the wall display.
 */
public final class FloorReportAccess {

    /** The roles that read floor reports (without the {@code ROLE_} prefix). */
    public static final String[] ROLES = {"SUPERVISOR", "ADMIN", "DATA_MANAGEMENT_LEADER"};

    /** The API's path. */
    public static final String API = "/api/floor-reports";

    private FloorReportAccess() {
    }
}
