package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tiphotline.bench.FailoverRun;

/**
 * The short version of the failover run in every build (the long one: {@code -Pfailover}, docs/reliability.md):
 * two nodes in JVMs of their own on one PostgreSQL and one RabbitMQ, calls through Twilio's webhooks and FastAGI in
 * progress, operators on both nodes; the leading node is killed with SIGKILL and the run checks that the other
 * takes over, that every call has its one record and none stays open, that every acknowledged draft save is kept
 * and that no call was offered twice at once.
 */
class FailoverTest {

    @Test
    void theOtherNodeTakesOverWhenTheLeaderIsKilledWithCallsInProgress() throws Exception {
        FailoverRun.Settings settings = new FailoverRun.Settings(16, 50, 4, 8, 6, 1000, 90,
                "-XX:+UseSerialGC -Xmx384m -XX:TieredStopAtLevel=1", "500ms", 6, false);

        assertThat(new FailoverRun(settings).run()).as("the run's verdict (its output says why)").isZero();
    }
}
