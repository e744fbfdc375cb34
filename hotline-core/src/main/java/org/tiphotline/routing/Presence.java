package org.tiphotline.routing;

/**
 * An operator's availability for calls. {@code PHONE_NOT_CONNECTED}: the operator is available but their phone
 * cannot be reached (not registered with the PBX); no call is offered to them until it is back.
 */
public enum Presence {
    AVAILABLE, RINGING, ON_CALL, WRAP_UP, AWAY, PHONE_NOT_CONNECTED
}
