package org.tiphotline.escalation;

/**
 * One way of delivering alerts (webhook, e-mail, SMS), implemented outside the core. {@link #send} returns when
 * the channel has accepted the alert and throws when it has not; it is never retried automatically by the
 * channel (a repeated SMS to the police is noise at best), the next round's channel is the retry.
 */
public interface AlertChannel {

    Directory.Channel channel();

    void send(String target, AlertPacket packet);

    /**
     * Whether identifying details may travel to this target: only over a channel that is encrypted end to end to
     * the agency's system. Text messages and e-mail never are; they say where to read the details instead.
     */
    default boolean carriesIdentifying(String target) {
        return false;
    }

    /**
     * Sends a notice to the hotline's own supervisors (see {@link StaffNotice}); returns when accepted, throws when
     * not. A channel that cannot carry one says so.
     */
    default void notice(String target, StaffNotice notice) {
        throw new IllegalStateException(channel() + " alerts cannot carry a notice to supervisors");
    }
}
