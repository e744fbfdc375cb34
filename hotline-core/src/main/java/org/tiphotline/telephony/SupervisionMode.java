package org.tiphotline.telephony;

/**
 * How a supervisor is on an operator's call. {@code LISTEN}: hears both, nobody hears them. {@code WHISPER}
 * (coaching): hears both, only the operator hears them. {@code JOIN} (barge): all three talk.
 */
public enum SupervisionMode {
    LISTEN, WHISPER, JOIN
}
