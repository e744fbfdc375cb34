package org.tiphotline.telephony.twilio;

import org.springframework.scheduling.annotation.Scheduled;
import org.tiphotline.cluster.Leadership;

/**
 * Deletes the Twilio state of calls long over ({@link TwilioEscalationState}, {@link TwilioCallbacks}), and erases
 * a callback's number that waited past any ring time (its node went away before the operator answered). Nothing
 * reads a row after its call's last webhook, so this is housekeeping, run by the leading node only.
 */
class TwilioStateSweep {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioStateSweep.class);

    private final Leadership leadership;
    private final TwilioEscalationState escalations;
    private final TwilioCallbacks callbacks;

    TwilioStateSweep(Leadership leadership, TwilioEscalationState escalations, TwilioCallbacks callbacks) {
        this.leadership = leadership;
        this.escalations = escalations;
        this.callbacks = callbacks;
    }

    @Scheduled(fixedDelayString = "5m", initialDelayString = "1m")
    void scheduledSweep() {
        if (leadership.leads()) {
            sweep();
        }
    }

    void sweep() {
        try {
            escalations.forgetOlderThanADay();
            callbacks.forgetStale();
        } catch (org.springframework.dao.DataAccessException e) {
            log.warn("the Twilio state sweep failed, tried again later: {}", e.getClass().getSimpleName());
        }
    }
}
