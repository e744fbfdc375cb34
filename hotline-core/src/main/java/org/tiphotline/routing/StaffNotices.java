package org.tiphotline.routing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.StaffNotice;

/** Sends a notice to every supervisors' alert channel, the floor's alarms' and alerts' one way of doing it. */
public final class StaffNotices {

    private static final Logger log = LoggerFactory.getLogger(StaffNotices.class);

    private StaffNotices() {
    }

    /**
     * Each channel on its own task of {@code sending}: a slow SMS gateway must not hold up the e-mail, nor the
     * caller (routing, the leader's tick). A failure is logged with {@code what} (naming no one) and the channel.
     */
    public static void send(Executor sending, Map<Directory.Channel, AlertChannel> channels, List<Directory.Alert> targets,
            StaffNotice notice, String what) {
        for (int i = 0; i < targets.size(); i++) {
            Directory.Alert target = targets.get(i);
            int number = i + 1;
            sending.execute(() -> {
                try {
                    AlertChannel channel = channels.get(target.channel());
                    if (channel == null) {
                        throw new IllegalStateException("no " + target.channel() + " channel is configured");
                    }
                    channel.notice(target.target(), notice);
                } catch (RuntimeException e) {
                    log.warn("{} to supervisors' channel {} ({}) failed: {}", what, number, target.channel(),
                            e.getMessage());
                }
            });
        }
    }
}
