package org.tiphotline.console.trail;

/**
 * Who may read the audit trail, in one place for the API, the page and WebSecurity: the auditor (a read-only role
 * with nothing else) and the data management leader, who answers for every release of identifying data. Not
 * administrators: they create and change the accounts whose use the trail records, and least privilege keeps the
 * watchers apart from the watched.
 */
public final class TrailAccess {

    /** The roles that read the trail (without the {@code ROLE_} prefix). */
    public static final String[] ROLES = {"AUDITOR", "DATA_MANAGEMENT_LEADER"};

    /** The API's path. */
    public static final String API = "/api/trail";

    /** The page, its script and the API. */
    public static final String[] PATHS = {"/trail.html", "/js/trail.js", API, API + "/**"};

    private TrailAccess() {
    }
}
