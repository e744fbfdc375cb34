package org.tiphotline.telephony.asterisk;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.tiphotline.telephony.TelephonyStatus;
import org.tiphotline.telephony.asterisk.testing.Await;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;

/**
 * The AMI link says what state it is in, in the log and in its status, on the first connection, on every loss
 * and on every connection after one: the library's own reconnection included, against a real AMI peer.
 */
class AmiLinkStateTest {

    private final FakeAmiPeer peer = new FakeAmiPeer("tiphotline", "s3cret");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AmiLink.class);
    private final AtomicInteger connectedCalls = new AtomicInteger();
    private final AtomicInteger afterCalls = new AtomicInteger();
    private AmiLink link;

    @BeforeEach
    void start() {
        logged.start();
        logger.addAppender(logged);
        link = new AmiLink(settingsFor(peer), event -> { }, connectedCalls::incrementAndGet);
        link.afterEveryConnection(afterCalls::incrementAndGet);
        link.start();
    }

    @AfterEach
    void stop() {
        link.close();
        peer.close();
        logger.detachAppender(logged);
    }

    @Test
    void firstConnectionThenTheLibrarysOwnReconnectionAreBothLoggedAndShown() {
        Await.until(() -> link.status().up(), "the first connection");
        Await.until(() -> afterCalls.get() == 1, "the work after the first connection");
        TelephonyStatus.Link first = link.status().links().getFirst();
        assertThat(first.name()).isEqualTo("Asterisk manager interface (AMI)");
        assertThat(first.up()).isTrue();
        assertThat(first.since()).isNotNull();
        assertThat(first.detail()).isNull();
        assertThat(lines()).contains("INFO AMI connected to 127.0.0.1:" + peer.port())
                .noneMatch(line -> line.contains("again"));

        peer.dropConnections(); // a network cut; Asterisk-Java reconnects by itself

        Await.until(() -> lines().stream().anyMatch(line -> line.contains("again")), "the reconnection's log line");
        Await.until(() -> afterCalls.get() == 2, "the work after the reconnection");
        assertThat(lines()).containsSubsequence(
                "INFO AMI connected to 127.0.0.1:" + peer.port(),
                "WARN AMI link to 127.0.0.1:" + peer.port() + " lost: the connection closed; reconnecting",
                "INFO AMI connected to 127.0.0.1:" + peer.port() + " again");
        TelephonyStatus.Link again = link.status().links().getFirst();
        assertThat(again.up()).isTrue();
        assertThat(again.since()).isAfter(first.since());
        assertThat(again.detail()).isEqualTo("connected; before: AMI link to 127.0.0.1:" + peer.port()
                + " lost: the connection closed");
        assertThat(connectedCalls.get()).isEqualTo(2);
    }

    @Test
    void asteriskDownIsShownAsDownWithTheLastErrorUntilItIsBack() {
        Await.until(() -> link.status().up(), "the first connection");

        Instant before = Instant.now();
        peer.stopListening();

        Await.until(() -> !link.status().links().getFirst().up(), "the loss");
        TelephonyStatus.Link down = link.status().links().getFirst();
        assertThat(down.since()).isAfterOrEqualTo(before);
        assertThat(down.detail()).startsWith("AMI link to 127.0.0.1:" + peer.port() + " lost");

        peer.startListening();

        Await.until(() -> link.status().up(), "the connection after Asterisk is back");
        assertThat(link.status().links().getFirst().since()).isAfter(down.since());
        assertThat(lines()).filteredOn(line -> line.startsWith("INFO AMI connected")).containsExactly(
                "INFO AMI connected to 127.0.0.1:" + peer.port(),
                "INFO AMI connected to 127.0.0.1:" + peer.port() + " again");
        assertThat(lines()).filteredOn(line -> line.startsWith("WARN AMI link")).hasSize(1);
    }

    /** The peer's address and credentials; a quick retry, so that a test never waits on a login. */
    static AsteriskSettings.Ami settingsFor(FakeAmiPeer peer) {
        return new AsteriskSettings.Ami("127.0.0.1", peer.port(), "tiphotline", "s3cret", Duration.ofSeconds(10), 2,
                Duration.ofSeconds(2), Duration.ofMillis(200));
    }

    private List<String> lines() {
        return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
}
