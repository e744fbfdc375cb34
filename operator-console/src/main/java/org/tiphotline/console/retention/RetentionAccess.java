package org.tiphotline.console.retention;

/**
 * Who may see and decide retention batches, in one place for the API, the page and WebSecurity: the data management
 * leader alone, who answers for what the registry keeps and releases. A batch names no one, but approving it erases
 * records for good.
 */
public final class RetentionAccess {

    /** The role (without the {@code ROLE_} prefix). */
    public static final String ROLE = "DATA_MANAGEMENT_LEADER";

    /** The API's path. */
    public static final String API = "/api/retention";

    /** The page, its script and the API. */
    public static final String[] PATHS = {"/retention.html", "/js/retention.js", API, API + "/**"};

    private RetentionAccess() {
    }
}
