package org.tiphotline.escalation;

/** A liaison user acted on an escalation addressed to another agency: need-to-know, refused. */
public class NotYourAgency extends SecurityException {
    public NotYourAgency() {
        super("this escalation is addressed to another agency");
    }
}
