package org.tiphotline.calls;

/** Where a call is now; derived from its events. */
public enum CallState {
    IVR, QUEUED, RINGING, TALKING, ENDED
}
