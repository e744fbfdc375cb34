package org.tiphotline.console.signin;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.telephony.TelephonyStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application with production's settings (ops/production.env.example) behind a TLS proxy: no simulated line
 * unless switched on, HSTS once the proxy says HTTPS, Secure session cookies, Referrer-Policy and a
 * Permissions-Policy that lets only the operator console's browser phone (Twilio on) ask for the microphone; and
 * the administrators' status page.
 */
class ProductionPostureTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "9";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path data;

    private static WireMockServer twilioApi;
    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        twilioApi.stubFor(get(urlPathMatching("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("hotline.telephony.simulated.enabled", "false");
        settings.put("server.forward-headers-strategy", "native");
        settings.put("server.servlet.session.cookie.secure", "true");
        TestTwilio.voice(settings, ACCOUNT, twilioApi.port(), "https://hotline.example.test");
        hotline = RunningHotline.start(data, settings);
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
        if (twilioApi != null) {
            twilioApi.stop();
        }
    }

    @Test
    void withoutTheSwitchThereIsNoSimulatedLine() {
        LoginForm operator = signedIn("operator", "operator-demo");
        assertThat(operator.getJson("/api/sim/calls").statusCode()).isEqualTo(404);
        assertThat(hotline.beans(TelephonyStatus.class).keySet()).noneMatch(name -> name.contains("imulated"));
        // The administrator is refused before the question of whether it exists.
        assertThat(signedIn("admin", "admin-demo").getJson("/api/sim/calls").statusCode()).isEqualTo(403);
    }

    @Test
    void hstsGoesOutOnceTheProxySaysHttpsAndTheSessionCookieIsSecure() {
        LoginForm direct = new LoginForm(hotline.base());
        assertThat(direct.get("/login").headers().firstValue("Strict-Transport-Security")).isEmpty();
        LoginForm proxied = new LoginForm(hotline.base()).with("X-Forwarded-Proto", "https");
        HttpResponse<String> page = proxied.get("/login");
        assertThat(page.headers().firstValue("Strict-Transport-Security"))
                .contains("max-age=31536000 ; includeSubDomains");
        assertThat(proxied.lastSessionCookieHeader).contains("Secure").contains("HttpOnly")
                .contains("SameSite=Strict");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    }

    @Test
    void onlyTheOperatorConsoleMayAskForTheMicrophone() {
        LoginForm operator = signedIn("operator", "operator-demo");
        HttpResponse<String> console = operator.get("/console.html");
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.headers().firstValue("Permissions-Policy").orElseThrow())
                .contains("microphone=(self)").contains("camera=()");
        HttpResponse<String> other = signedIn("supervisor", "supervisor-demo").get("/supervisor.html");
        assertThat(other.headers().firstValue("Permissions-Policy").orElseThrow()).contains("microphone=()")
                .doesNotContain("microphone=(self)");
        assertThat(operator.get("/login").headers().firstValue("Permissions-Policy").orElseThrow())
                .contains("microphone=()");
    }

    @Test
    void theStatusPageNamesKeyIdsButNeverKeyMaterial() throws Exception {
        LoginForm admin = signedIn("admin", "admin-demo");
        assertThat(admin.get("/status.html").statusCode()).isEqualTo(200);
        HttpResponse<String> answer = admin.getJson("/api/admin/status");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode status = JSON.readTree(answer.body());
        assertThat(status.get("keys").get("ids").get(0).asString()).isEqualTo("k1");
        assertThat(status.get("keys").get("active").asString()).isEqualTo("k1");
        assertThat(status.get("database").get("up").asBoolean()).isTrue();
        assertThat(status.get("database").get("schemaVersion").asString()).isNotEqualTo("unknown");
        assertThat(status.get("telephony").toString()).doesNotContain("Simulated");
        Properties keys = new Properties();
        try (var in = Files.newBufferedReader(data.resolve("keys.properties"))) {
            keys.load(in);
        }
        assertThat(keys.stringPropertyNames()).contains("key.k1", "hash-key");
        for (String name : keys.stringPropertyNames()) {
            if (!name.equals("active-key")) {
                assertThat(answer.body()).doesNotContain(keys.getProperty(name));
            }
        }
        assertThat(signedIn("supervisor", "supervisor-demo").getJson("/api/admin/status").statusCode())
                .isEqualTo(403);
        assertThat(signedIn("operator", "operator-demo").get("/status.html").statusCode()).isEqualTo(403);
    }

    @Test
    void repeatedSignInFailuresAreShownToAdministrators() throws Exception {
        LoginForm guesser = new LoginForm(hotline.base());
        for (int i = 0; i < 5; i++) {
            guesser.signIn("testguessed", "Wrong-Pass-Quokka-" + i);
        }
        JsonNode failures = JSON.readTree(signedIn("admin", "admin-demo").getJson("/api/admin/status").body())
                .get("signInFailures");
        assertThat(failures.get("byUsername").toString()).contains("\"key\":\"testguessed\"")
                .contains("\"failures\":5").doesNotContain("Quokka");
        assertThat(failures.get("byAddress").toString()).contains("127.0.0.1");
    }

    private static LoginForm signedIn(String username, String password) {
        LoginForm browser = new LoginForm(hotline.base());
        LoginForm.Answer answer = browser.signIn(username, password);
        assertThat(answer.status()).as("sign-in of " + username).isEqualTo(302);
        assertThat(answer.location()).doesNotContain("error");
        return browser;
    }
}
