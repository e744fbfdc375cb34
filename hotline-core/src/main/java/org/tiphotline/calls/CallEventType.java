package org.tiphotline.calls;

/**
 * What can happen in a call's life, in the order it usually happens. {@code ESCALATION_STEP} records a step of an
 * escalation about the call (raised, acknowledged, outcome, closed), which may come after the call ended.
 * {@code QUIET_MODE}: the operator switched the console to the yes/no script (someone may be listening).
 * {@code SUPERVISED} and {@code SUPERVISION_ENDED}: a supervisor started or stopped listening in, coaching or taking
 * part (the event's operator is the supervisor, its detail {@code mode} one of
 * {@link org.tiphotline.telephony.SupervisionMode}).
 */
public enum CallEventType {
    ARRIVED, IVR_ANSWER, QUEUED, OFFERED, RINGING, NO_ANSWER, ANSWERED, ESCALATED, TRANSFERRED, ENDED, ABANDONED,
    ESCALATION_STEP, QUIET_MODE, SUPERVISED, SUPERVISION_ENDED
}
