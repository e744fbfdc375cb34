package org.tiphotline.calls;

/**
 * How a call came to be: a caller dialled the hotline, the hotline called a caller back, or an operator recorded a
 * contact that never came through the phone system (a walk-in, the backup mobile during an outage, a letter).
 * Statistics count each apart; the first event's {@code direction} detail carries it ({@code INBOUND} when absent).
 */
public enum CallDirection {
    INBOUND, CALLBACK, OFFLINE
}
