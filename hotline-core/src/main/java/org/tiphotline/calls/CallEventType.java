package org.tiphotline.calls;

/**
 * What can happen in a call's life, in the order it usually happens. {@code ESCALATION_STEP} records a step of an
 * escalation about the call (raised, acknowledged, outcome, closed), which may come after the call ended.
 * {@code QUIET_MODE}: the operator switched the console to the yes/no script (someone may be listening).
 * {@code SUPERVISED} and {@code SUPERVISION_ENDED}: a supervisor started or stopped listening in, coaching or taking
 * part (the event's operator is the supervisor, its detail {@code mode} one of
 * {@link org.tiphotline.telephony.SupervisionMode}).
 * {@code CONSULTED}: the operator asked a colleague (the event's operator; detail {@code askedBy}) while the caller
 * is held; {@code CONSULT_ENDED} calls it off (detail {@code how}: {@code CANCELLED}); a hand-over closes it with a
 * {@code TRANSFERRED} event naming the colleague as its operator (detail {@code to} and {@code from}: the ids of the
 * colleague and of the operator who handed over): the call is theirs from then on. The call's end closes a consult
 * by itself. {@code INTERPRETER_ADDED}: an interpreter line of the directory joined the call.
 */
public enum CallEventType {
    ARRIVED, IVR_ANSWER, QUEUED, OFFERED, RINGING, NO_ANSWER, ANSWERED, ESCALATED, TRANSFERRED, ENDED, ABANDONED,
    ESCALATION_STEP, QUIET_MODE, SUPERVISED, SUPERVISION_ENDED, CONSULTED, CONSULT_ENDED, INTERPRETER_ADDED,
    /**
     * Read, never written: an event a newer build of the hotline recorded (during a rolling upgrade, or after a
     * rollback) whose type this build does not know. It keeps its place in the timeline and changes nothing: a call
     * whose history holds one still loads, so its next webhook is stored instead of failing on an unknown name.
     */
    FROM_NEWER_VERSION;

    /** The type stored as {@code name}, or {@link #FROM_NEWER_VERSION} for one this build does not know. */
    public static CallEventType read(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            return FROM_NEWER_VERSION;
        }
    }
}
