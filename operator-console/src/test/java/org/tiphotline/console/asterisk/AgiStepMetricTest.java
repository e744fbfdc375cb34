package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.caller;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;

/**
 * The AGI latency the operations team watches: {@code hotline.agi.step}, one sample per command the IVR sends
 * (the adapter's time since Asterisk's previous reply), with a percentile histogram and no tags, recorded when the
 * application has a meter registry.
 */
class AgiStepMetricTest {

    private static final String SECRET = "test-only-ami-secret";

    @TempDir
    Path data;

    /** Whether the timer asked for a percentile histogram, as the registry was told when it was registered. */
    static final AtomicReference<Boolean> HISTOGRAM = new AtomicReference<>();

    /** What Actuator's metrics would provide: a registry bean (a simple one, which keeps no histogram itself). */
    @Configuration(proxyBeanMethods = false)
    static class Meters {

        @Bean
        MeterRegistry meterRegistry() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            registry.config().meterFilter(new MeterFilter() {
                @Override
                public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                    if (id.getName().equals("hotline.agi.step")) {
                        HISTOGRAM.set(config.isPercentileHistogram());
                    }
                    return config;
                }
            });
            return registry;
        }
    }

    @Test
    void everyAgiCommandIsOneStepOfTheTimerWithAHistogramAndNoTags() throws Exception {
        try (FakeAmiPeer ami = new FakeAmiPeer("tiphotline", SECRET)) {
            int agiPort = AgiPort.free();
            Map<String, String> settings = AsteriskTestSettings.of(agiPort, ami, SECRET);
            settings.put("spring.main.sources", Meters.class.getName());
            try (RunningHotline hotline = RunningHotline.start(data, settings)) {
                FastAgiClient.Transcript ivr = agi(agiPort, "1761000200.11", "PJSIP/hotline-trunk-00000211")
                        .run(caller("1", "2", "1", "1"));

                // Asterisk-Java itself sends the last one (SET VARIABLE "AJ_AGISTATUS"), after the IVR returned.
                List<String> ours = ivr.commands().stream().filter(c -> !c.startsWith("SET VARIABLE \"AJ_"))
                        .toList();
                assertThat(ours).hasSizeLessThan(ivr.commands().size()).hasSizeGreaterThan(5);
                Timer steps = hotline.bean(MeterRegistry.class).get("hotline.agi.step").timer();
                assertThat(steps.count()).as("one step per command the IVR sent: %s", ours).isEqualTo(ours.size());
                assertThat(steps.getId().getTags()).as("nothing of the call in a metric").isEmpty();
                assertThat(HISTOGRAM.get()).as("a percentile histogram (Prometheus' buckets)").isTrue();
                assertThat(steps.max(TimeUnit.MILLISECONDS)).isPositive()
                        .isLessThan(Duration.ofSeconds(5).toMillis());
            }
        }
    }
}
