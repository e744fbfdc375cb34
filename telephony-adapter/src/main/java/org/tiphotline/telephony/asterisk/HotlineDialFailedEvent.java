package org.tiphotline.telephony.asterisk;

import org.asteriskjava.manager.event.UserEvent;

/**
 * The dialplan's {@code UserEvent(HotlineDialFailed,...)} after a Dial to an operator that did not answer
 * ({@code ops/asterisk/extensions.conf}). It is the only word of a Dial that created no channel at all (an
 * unregistered phone: "Could not create dialog to invalid URI"), since Asterisk then sends no DialBegin or
 * DialEnd. Public with setters: Asterisk-Java fills it by reflection.
 */
public final class HotlineDialFailedEvent extends UserEvent {

    private static final long serialVersionUID = 1L;

    private String status;
    private String offer;

    public HotlineDialFailedEvent(Object source) {
        super(source);
    }

    /** The Dial's DIALSTATUS (CHANUNAVAIL, CONGESTION, NOANSWER...). */
    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    /** The offer number the adapter set in HOTLINE_OFFER for the Dial that failed. */
    public String getOffer() {
        return offer;
    }

    public void setOffer(String offer) {
        this.offer = offer;
    }
}
