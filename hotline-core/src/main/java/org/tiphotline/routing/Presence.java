package org.tiphotline.routing;

/** An operator's availability for calls. */
public enum Presence {
    AVAILABLE, RINGING, ON_CALL, WRAP_UP, AWAY
}
