package org.tiphotline.console.floor;

/**
 * Who may see the floor, in one place for the HTTP API and the live topic (WebSecurity, LiveChannelSecurity): the
 * figures and operators' states are staff data, nothing about callers. The wall-display account's role is added
 * here, and only here.
 */
public final class FloorAccess {

    /** The roles that see the floor (without the {@code ROLE_} prefix). */
    public static final String[] ROLES = {"SUPERVISOR", "ADMIN", "WALLBOARD"};

    /** The API's path. */
    public static final String API = "/api/floor";

    /** The live topic: dots after {@code /topic/}, as RabbitMQ's STOMP plugin wants (RabbitDestinations). */
    public static final String TOPIC = "/topic/floor.figures";

    /** The floor's standing alerts (issue 20, item 2). */
    public static final String ALERTS_API = "/api/floor/alerts";

    /** The floor's alerts as they change. */
    public static final String ALERTS_TOPIC = "/topic/floor.alerts";

    private FloorAccess() {
    }
}
