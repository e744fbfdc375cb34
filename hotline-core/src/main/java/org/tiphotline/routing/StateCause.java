package org.tiphotline.routing;

/**
 * What changed an operator's state, kept with each change in the state log ({@code operator_state_event}), and who
 * it counts as set by: the operator, a supervisor, or the system (routing's own rules, the phone, the wrap-up
 * maximum).
 */
public enum StateCause {
    /** The operator chose it on their console. */
    CHOSEN(SetBy.OPERATOR),
    /** The operator submitted the report of their call, which ends their after-call work. */
    REPORT_SUBMITTED(SetBy.OPERATOR),
    /** A supervisor set the operator away. */
    SUPERVISOR(SetBy.SUPERVISOR),
    OFFERED(SetBy.SYSTEM),
    ANSWERED(SetBy.SYSTEM),
    CALL_ENDED(SetBy.SYSTEM),
    /** An offer rang out or failed: the silent operator is set away. */
    OFFER_UNANSWERED(SetBy.SYSTEM),
    PHONE_UNREACHABLE(SetBy.SYSTEM),
    PHONE_REACHABLE(SetBy.SYSTEM),
    /** After-call work ran past {@code hotline.routing.wrap-up-max}. */
    WRAP_UP_MAXIMUM(SetBy.SYSTEM),
    /** The hotline dials out for the operator (a callback), or that dial-out is over. */
    DIALLING(SetBy.SYSTEM),
    /** A colleague on a call asked this operator (a consult): they talk with the colleague, the caller held. */
    CONSULTED(SetBy.OPERATOR),
    /** The consult is over without a hand-over (called off, or the caller hung up): back to taking calls. */
    CONSULT_ENDED(SetBy.OPERATOR),
    /** A warm transfer: the operator who handed the caller over goes to after-call work, the colleague keeps them. */
    HANDED_OVER(SetBy.OPERATOR),
    /** The operator's last console closed: no screen is watching for calls. */
    CONSOLE_CLOSED(SetBy.SYSTEM),
    /**
     * A console of theirs came back soon after ({@code hotline.routing.console-return}): they take calls again as
     * before the blip that closed it (a broker restart, a network drop, a node going).
     */
    CONSOLE_BACK(SetBy.SYSTEM),
    /** They were signed out everywhere (disabled, a role taken, password or factors reset): away until they choose. */
    SIGNED_OUT(SetBy.SYSTEM),
    /** No node was running: everyone seated chooses again after the restart. */
    RESTART(SetBy.SYSTEM);

    /**
     * The cause stored as {@code name}: null for none, and for a name a newer build wrote that this one does not know
     * (a rolling upgrade: this node keeps routing, reading it as no cause, instead of failing every decision).
     */
    public static StateCause read(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException newer) {
            return null;
        }
    }

    /** Who a change is counted as made by. */
    public enum SetBy {
        OPERATOR, SUPERVISOR, SYSTEM
    }

    private final SetBy setBy;

    StateCause(SetBy setBy) {
        this.setBy = setBy;
    }

    public SetBy setBy() {
        return setBy;
    }
}
