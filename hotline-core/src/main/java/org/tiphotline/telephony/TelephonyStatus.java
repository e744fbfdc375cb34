package org.tiphotline.telephony;

import java.time.Instant;
import java.util.List;

/**
 * What a telephony adapter tells the administrators' status page about its links (AMI connected, FastAGI
 * listening, Twilio configured): read-only, and never a caller's number or a call.
 */
public interface TelephonyStatus {

    /**
     * @param name the link in words ("Asterisk manager interface")
     * @param up whether it works now
     * @param since when it last came up or went down (null when unknown)
     * @param detail a short explanation in words, never personal data (null when there is nothing to add)
     */
    record Link(String name, boolean up, Instant since, String detail) {}

    List<Link> links();
}
