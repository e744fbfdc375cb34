package org.tiphotline.console.operations;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Percentile histograms of Spring's {@code http.server.requests} for Twilio's webhooks ({@code uri} starting with
 * {@code /twilio/}) only, so Prometheus can compute their p99 across both nodes ({@code histogram_quantile} over the
 * summed buckets). Every other URI gets four coarse buckets only: the fine buckets for every page and API would
 * multiply the series for nothing, and none can go without buckets, since Prometheus' client refuses one metric name
 * that is a histogram for some series and a summary for others (the whole scrape fails). The {@code uri} tag is Spring
 * MVC's matched pattern (never the raw path or its query string), so no number or id reaches a tag.
 */
@Component
class WebhookHistograms implements MeterFilter {

    static final String HTTP_SERVER_REQUESTS = "http.server.requests";
    private static final double[] COARSE = {ms(50), ms(250), ms(1000), ms(5000)};

    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        String uri = id.getTag("uri");
        if (!id.getName().equals(HTTP_SERVER_REQUESTS)) {
            return config;
        }
        if (uri == null || !uri.startsWith("/twilio/")) {
            return DistributionStatisticConfig.builder().serviceLevelObjectives(COARSE).build().merge(config);
        }
        return DistributionStatisticConfig.builder().percentilesHistogram(true)
                .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                .maximumExpectedValue((double) Duration.ofSeconds(15).toNanos()).build().merge(config);
    }

    private static double ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}
