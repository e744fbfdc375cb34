package org.tiphotline.console.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import org.jooq.DSLContext;
import org.tiphotline.console.fuzz.StoredRecords;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Twilio's webhooks under random parameters, each request signed correctly, so the input reaches the handlers
 * behind the signature check: every answer is a 2xx or 4xx (never a 5xx or a dropped connection), and the call
 * rows the webhooks create stay within what the telephony port may store. One application for the class; the
 * Twilio REST API is a WireMock stub on loopback that accepts everything.
 */
class TwilioWebhookFuzzTest {

    /** A webhook request: the path with its query, and the form Twilio would post. */
    record Hook(String pathAndQuery, Map<String, String> form) {}

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "1";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.test";
    private static final List<String> PATHS = List.of("/twilio/voice", "/twilio/ivr", "/twilio/queued",
            "/twilio/wait", "/twilio/fallback", "/twilio/fallback-done", "/twilio/voicemail", "/twilio/connect",
            "/twilio/operator-status", "/twilio/dial-done", "/twilio/conference", "/twilio/escalation-status",
            "/twilio/conference-status", "/twilio/status");
    private static final List<String> QUERY = List.of("q", "attempt", "lang", "round", "operator", "call", "role",
            "mode", "notice", "quiet");
    private static final List<String> PARAMS = List.of("AccountSid", "CallSid", "CallStatus", "From", "To",
            "Caller", "Called", "Direction", "Digits", "SpeechResult", "RecordingUrl", "RecordingSid",
            "RecordingDuration", "DialCallStatus", "DialCallSid", "ParentCallSid", "ConferenceSid",
            "StatusCallbackEvent", "CallDuration", "Timestamp", "SequenceNumber", "QueueTime", "ApiVersion");

    private static Path data;
    private static WireMockServer twilioApi;
    private static RunningHotline hotline;
    private static SignedWebhooks twilio;
    private static final Map<String, Long> tally = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeContainer
    static void start() throws IOException {
        data = Files.createTempDirectory("fuzz-twilio");
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        twilioApi.stubFor(any(urlPathMatching(".*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\": \"in-progress\", "
                        + "\"calls\": [], \"next_page_uri\": null}")));
        Map<String, String> settings = SignedWebhooks.settings(ACCOUNT, TOKEN, PUBLIC, twilioApi.port(),
                "+15550100911");
        hotline = RunningHotline.start(data, settings);
        twilio = new SignedWebhooks(hotline.base(), PUBLIC, TOKEN);
    }

    @AfterContainer
    static void stop() throws IOException {
        long inputs = tally.values().stream().mapToLong(Long::longValue).sum();
        String line = "twilio webhooks: " + inputs + " inputs; " + new java.util.TreeMap<>(tally);
        System.out.println(line);
        Files.writeString(Path.of("target", "fuzz-summary.txt"), java.time.Instant.now() + " " + line + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        if (hotline != null) {
            hotline.close();
        }
        twilioApi.stop();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void signedWebhooksWithRandomParametersAreAnsweredWithoutFailing(@ForAll("hooks") Hook hook) {
        int status;
        try {
            status = twilio.post(hook.pathAndQuery(), hook.form()).status();
        } catch (AssertionError dropped) {
            throw new AssertionError("the connection failed for " + hook, dropped);
        }
        tally.merge(status / 100 + "xx", 1L, Long::sum);
        assertThat(status).as("%s", hook).satisfiesAnyOf(s -> assertThat(s).isBetween(200, 299),
                s -> assertThat(s).isBetween(400, 499));
    }

    @AfterProperty
    void storedRecordsKeepTheirRules() {
        assertThat(new StoredRecords(hotline).violations()).isEmpty();
        // Each call the webhooks created holds its caller's number only encrypted where it is bound.
        FieldCipher cipher = hotline.bean(FieldCipher.class);
        for (var row : hotline.bean(DSLContext.class).fetch("select id, caller_number_enc from hotline.call")) {
            byte[] enc = (byte[]) row.get(1);
            if (enc != null) {
                cipher.decrypt(enc, "call.caller_number:" + row.get(0));
            }
        }
    }

    @Provide
    Arbitrary<Hook> hooks() {
        Arbitrary<String> sids = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().withChars("0123456789abcdef").ofLength(32).map(s -> "CA" + s)),
                Tuple.of(2, Arbitraries.of("CA" + "0".repeat(32), "CA" + "f".repeat(32))),
                Tuple.of(2, text()));
        Arbitrary<Map<String, String>> params = Arbitraries.maps(Arbitraries.frequencyOf(Tuple.of(8,
                Arbitraries.of(PARAMS)), Tuple.of(1, text().filter(s -> !s.isEmpty()))), text()).ofMaxSize(10);
        Arbitrary<Map<String, String>> query = Arbitraries.maps(Arbitraries.of(QUERY), Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("LANGUAGE", "IMMEDIATE_DANGER", "CALLER_TYPE", "SAFE_TO_CALL_BACK",
                        "CANNOT_SPEAK_FREELY", "true", "9", "1", "2", "3", "0", "-1",
                        "en", "es", "99999999999999999999", "caller", "operator", "police", "warm", "cold")),
                Tuple.of(1, text()))).ofMaxSize(4);
        return Combinators.combine(Arbitraries.of(PATHS), query, sids, params, Arbitraries.integers().between(0, 9))
                .as((path, q, sid, p, dice) -> {
                    Map<String, String> form = new LinkedHashMap<>();
                    if (dice > 0) {
                        form.putAll(SignedWebhooks.call(sid, ACCOUNT));
                    }
                    form.putAll(p);
                    StringBuilder pathAndQuery = new StringBuilder(path);
                    q.forEach((k, v) -> pathAndQuery.append(pathAndQuery.indexOf("?") < 0 ? '?' : '&').append(k)
                            .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
                    return new Hook(pathAndQuery.toString(), form);
                });
    }

    /** Parameter text: plain, hostile (control characters, injection, unicode) or long. */
    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(4).map(c -> "+1555" + c),
                Arbitraries.of("", " ", "+15550100142", "sip:x@127.0.0.1", "client:operator", "completed", "busy",
                        "no-answer", "in-progress", "'; DROP TABLE call; --", "<Say>hi</Say>", "日本語", "😀",
                        "\u202E", "%00", "null", "1e999", "-1", "9".repeat(200)),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(129).ofMaxLength(5000));
    }
}
