package org.tiphotline.console.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.Environment;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.NumberWatch;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;

/**
 * The Prometheus scrape, on the management port a deployment binds to its private network: every figure of
 * docs/operations.md is there after real traffic (a simulated call popping at an operator, Twilio webhooks signed as
 * Twilio signs them), the webhooks' latency has histogram buckets tagged with the URI pattern (never the query that
 * carried the IVR's step), and no caller's number appears anywhere in it (the number watch reads the whole scrape).
 */
class OperationsMetricsTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "5";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.org";

    @TempDir
    Path data;

    private WireMockServer twilioApi;
    private RunningHotline hotline;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        twilioApi.stubFor(post(urlPathMatching("/2010-04-01/Accounts/" + ACCOUNT + "/Calls/CA[0-9a-f]{32}\\.json"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\": \"in-progress\"}")));
        twilioApi.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        Map<String, String> settings = SignedWebhooks.settings(ACCOUNT, TOKEN, PUBLIC, twilioApi.port(),
                "+15550100911");
        settings.put("management.server.port", "0");
        settings.put("management.server.address", "127.0.0.1");
        settings.put("hotline.operations.gauges-every", "100ms");
        hotline = RunningHotline.start(data, settings);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        twilioApi.stop();
    }

    @Test
    void theScrapeHasEveryFigureAndNoCallerNumber() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            SimCalls.ringing(live, operator, Map.of("callerNumber", "+15550100173", "language", "en"));

            SignedWebhooks twilio = new SignedWebhooks(hotline.base(), PUBLIC, TOKEN);
            Map<String, String> call = SignedWebhooks.call("CA" + "0".repeat(28) + "0173", ACCOUNT);
            call.put("From", "+15550100174");
            call.put("Caller", "+15550100174");
            assertThat(twilio.post("/twilio/voice", call).status()).isEqualTo(200);
            assertThat(twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1")).status())
                    .isEqualTo(200);
            // What the asterisk bridge records per FastAGI step (its own test drives real FastAGI sessions): here
            // only whether its histogram is switched on.
            Timer.builder("hotline.agi.step").tag("step", "LANGUAGE").register(hotline.bean(MeterRegistry.class))
                    .record(Duration.ofMillis(3));
            String scrape = scrape();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(value(scrape, "hotline_calls_waiting") >= 1.0) && System.nanoTime() < until) {
                Thread.sleep(100);
                scrape = scrape();
            }
            NumberWatch.received("the Prometheus scrape", scrape);

            assertThat(value(scrape, "hotline_calls_waiting")).as("the simulated call rings at the operator")
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(value(scrape, "hotline_alerts_pending")).isEqualTo(0.0);
            assertThat(value(scrape, "hotline_cluster_leader")).as("a single node leads").isEqualTo(1.0);
            assertThat(value(scrape, "hotline_live_broker")).isEqualTo(1.0);
            assertThat(value(scrape, "hotline_screen_pops_total")).isEqualTo(1.0);
            assertThat(lines(scrape, "http_server_requests_seconds_bucket{")).as("Twilio's webhooks have buckets")
                    .anyMatch(l -> l.contains("uri=\"/twilio/voice\""))
                    .anyMatch(l -> l.contains("uri=\"/twilio/ivr\""))
                    .as("other URIs have four coarse buckets only (and +Inf)")
                    .filteredOn(l -> !l.contains("uri=\"/twilio/")).isNotEmpty()
                    .allMatch(l -> l.matches(".*le=\"(0\\.05|0\\.25|1\\.0|5\\.0|\\+Inf)\".*"));
            assertThat(lines(scrape, "http_server_requests_seconds_bucket{").stream()
                    .filter(l -> l.contains("uri=\"/twilio/voice\"")).count()).as("fine buckets for p99").isGreaterThan(20);
            assertThat(lines(scrape, "http_server_requests_seconds")).as("URI patterns, never a path with its query")
                    .noneMatch(l -> l.contains("q=") || l.contains("?") || l.contains("CA0000"));
            assertThat(lines(scrape, "hotline_agi_step_seconds_bucket{")).isNotEmpty();
        }
    }

    @Test
    void theManagementPortServesTheProbesAndThePublicPortNoMetrics() throws Exception {
        assertThat(send(management() + "/actuator/health/readiness").body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(send(hotline.base() + "/readyz").body()).as("probes on the port the balancer forwards to")
                .isEqualTo("{\"status\":\"UP\"}");
        HttpResponse<String> publicScrape = send(hotline.base() + "/actuator/prometheus");
        assertThat(publicScrape.statusCode()).isIn(403, 404);
        assertThat(publicScrape.body()).doesNotContain("hotline_");
        assertThat(send(management() + "/actuator/env").statusCode()).isIn(403, 404);
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = send(management() + "/actuator/prometheus");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private String management() {
        return "http://127.0.0.1:" + hotline.bean(Environment.class).getProperty("local.management.port");
    }

    private HttpResponse<String> send(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> lines(String scrape, String prefix) {
        return Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith(prefix)).toList();
    }

    private static double value(String scrape, String name) {
        List<String> found = lines(scrape, name + " ").isEmpty() ? lines(scrape, name + "{") : lines(scrape, name + " ");
        assertThat(found).as(name + " in the scrape").hasSize(1);
        String line = found.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(form);
        copy.put(name, value);
        return copy;
    }
}
