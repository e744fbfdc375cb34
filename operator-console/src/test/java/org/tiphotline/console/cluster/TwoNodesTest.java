package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Two whole application nodes on one PostgreSQL, as production runs them: the first leads, the second follows,
 * and when the first stops the second leads within seconds.
 */
class TwoNodesTest {

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void theSecondNodeFollowsAndLeadsWhenTheFirstStops() throws Exception {
        try (RunningHotline a = RunningHotline.start(first, Map.of("hotline.cluster.node", "first"));
                RunningHotline b = RunningHotline.secondNode(a, second, Map.of())) {
            assertThat(a.bean(Leadership.class).leads()).isTrue();
            assertThat(b.bean(Leadership.class).leads()).isFalse();
            assertThat(b.bean(Leadership.class).node()).isEqualTo("second");

            a.bean(Leadership.class).destroy();

            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!b.bean(Leadership.class).leads() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(b.bean(Leadership.class).leads()).as("the second node leads within 5 s").isTrue();
        }
    }
}
