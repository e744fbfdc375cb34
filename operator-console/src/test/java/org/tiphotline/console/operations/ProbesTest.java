package org.tiphotline.console.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.NumberWatch;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The load balancer's probes on the README's default run (one port, no management port of its own): anyone gets a
 * status and nothing else, liveness stays up while the database is away and readiness goes down, and neither
 * metrics nor any other part of Actuator answers on the public port, not even to a signed-in administrator.
 */
class ProbesTest {

    private static final String STATUS_ONLY_UP = "{\"status\":\"UP\"}";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        // Short, so that readiness with the database away answers within the test instead of HikariCP's 30 s.
        hotline = RunningHotline.start(data, Map.of("hotline.database.embedded.connection-timeout", "1500ms"));
    }

    @AfterEach
    void stop() {
        hotline.close();
    }

    @Test
    void anonymousCallersGetTheProbesStatusAndNothingElse() throws Exception {
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness",
                "/livez", "/readyz"}) {
            HttpResponse<String> r = get(probe);
            assertThat(r.statusCode()).as(probe).isEqualTo(200);
            assertThat(r.body()).as(probe + ": a status, no component, no detail").isEqualTo(STATUS_ONLY_UP);
            assertThat(r.headers().firstValue("Set-Cookie")).as(probe + " opens no session").isEmpty();
        }
        for (String closed : new String[] {"/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/env", "/actuator/beans",
                "/actuator/health/db", "/actuator/health/broker", "/actuator/metrics"}) {
            HttpResponse<String> r = get(closed);
            assertThat(r.statusCode()).as(closed + " anonymously").isEqualTo(403);
            assertThat(r.body()).as(closed).doesNotContain("hotline_", "jdbc:", "status");
        }
    }

    @Test
    void metricsAreNotServedOnThePublicPortEvenToAnAdministrator() {
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        assertThat(admin.getText("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(admin.getText("/actuator/env").status()).isEqualTo(403);
        ConsoleClient.Text health = admin.getText("/actuator/health/readiness");
        assertThat(health.body()).as("no details for a signed-in user either").isEqualTo(STATUS_ONLY_UP);
    }

    @Test
    void withTheDatabaseAwayTheNodeIsAliveButNotReady() throws Exception {
        hotline.bean(EmbeddedPostgres.class).close();

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).isEqualTo("{\"status\":\"DOWN\"}");
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).as("restarting the node would not bring the database back").isEqualTo(200);
        assertThat(liveness.body()).isEqualTo(STATUS_ONLY_UP);
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hotline.base() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        NumberWatch.received("GET " + path, r.body());
        return r;
    }
}
