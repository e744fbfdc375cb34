package org.tiphotline.calls;

/** How a call ended; derived from its events. */
public enum CallOutcome {
    COMPLETED, ABANDONED_IN_IVR, ABANDONED_IN_QUEUE, ABANDONED_RINGING, TRANSFERRED,
    /** Ended without being answered and without the caller hanging up: the provider lost it or reconciliation closed it. */
    LOST,
    /** A callback the hotline dialled that the person called (or the operator's phone) never answered. */
    NOT_REACHED
}
