package org.tiphotline.calls;

/** What can happen in a call's life, in the order it usually happens. */
public enum CallEventType {
    ARRIVED, IVR_ANSWER, QUEUED, OFFERED, RINGING, NO_ANSWER, ANSWERED, ESCALATED, TRANSFERRED, ENDED, ABANDONED
}
