package org.tiphotline.escalation;

public class EscalationNotFound extends RuntimeException {
    public EscalationNotFound() {
        super("no such escalation");
    }
}
