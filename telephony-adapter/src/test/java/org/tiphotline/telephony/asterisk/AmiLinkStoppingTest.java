package org.tiphotline.telephony.asterisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.asteriskjava.manager.event.HangupEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tiphotline.telephony.asterisk.testing.Await;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;

/**
 * A leading node that stops lets the AMI link go, and the events Asterisk sent it until then (an answer, a hang-up)
 * are handled there, before the lead passes: handled later they met a node whose live channel and database were
 * already stopping (the rolling-upgrade run: answers and hang-ups lost, operators set away or left "on a call"),
 * and the next leader's resync only sees Asterisk as it is when it logs in.
 */
class AmiLinkStoppingTest {

    private final FakeAmiPeer peer = new FakeAmiPeer("tiphotline", "s3cret");
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final AmiLink link = new AmiLink(AmiLinkStateTest.settingsFor(peer), event -> {
        if (event instanceof HangupEvent hangup) {
            try {
                // A node under load: each event takes a while to handle.
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.add(hangup.getUniqueId());
        }
    }, () -> { });

    @AfterEach
    void stop() {
        link.close();
        peer.close();
    }

    @Test
    void theEventsReceivedBeforeLettingGoAtAStopAreHandledBeforeItReturns() {
        link.start();
        Await.until(() -> link.status().up(), "the connection");
        for (int i = 1; i <= 5; i++) {
            assertThat(peer.sendEvent(FakeAmiPeer.event("Hangup", "Channel", "PJSIP/trunk-" + i, "Uniqueid",
                    "1762000400." + i, "Linkedid", "1762000400." + i, "Cause", "16"))).isEqualTo(1);
        }
        Await.until(() -> !handled.isEmpty(), "the first event handled");

        boolean allHandled = link.letGoWhenStopping(Duration.ofSeconds(3));

        assertThat(allHandled).isTrue();
        assertThat(handled).containsExactly("1762000400.1", "1762000400.2", "1762000400.3", "1762000400.4",
                "1762000400.5");
        Await.until(() -> peer.openConnections() == 0, "the logoff");
    }
}
