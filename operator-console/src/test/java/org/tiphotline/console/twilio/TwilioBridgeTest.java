package org.tiphotline.console.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.console.twilio.Twiml.count;
import static org.tiphotline.console.twilio.Twiml.text;
import static org.tiphotline.console.twilio.Twiml.with;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.callbacks.CallbackTasks;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.console.database.DatabaseRestart;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.TelephonyPorts;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * The whole application on a Twilio number: webhooks signed in the test as Twilio signs them, sent through the
 * real HTTP stack, and WireMock in place of the Twilio REST API, asserting every request the adapter makes.
 * TwiML is parsed and checked with XPath, never compared as text.
 */
class TwilioBridgeTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "1";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.test";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration MAX_WAIT = Duration.ofSeconds(3);
    private static final String FALLBACK_LINE = "+15550100911";
    private static final String OPERATOR2_PHONE = "+15550100777";
    private static final String SUPERVISOR_PHONE = "+15550100778";
    private static final String INTERPRETER_LINE = "+15550100150";
    private static final String API_KEY = "SK" + "0".repeat(31) + "2";
    private static final String API_SECRET = "test-only-api-key-secret-0123456789";

    @TempDir
    Path data;

    private WireMockServer twilioApi;
    private RunningHotline hotline;
    private EmbeddedPostgres restartedDatabase;
    private SignedWebhooks twilio;
    private int sids;

    @BeforeEach
    void start() {
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        twilioApi.stubFor(post(urlPathMatching("/2010-04-01/Accounts/" + ACCOUNT + "/Calls/CA[0-9a-f]{32}\\.json"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\": \"in-progress\"}")));
        twilioApi.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        hotline = RunningHotline.start(data, settings());
        twilio = new SignedWebhooks(hotline.base(), PUBLIC, TOKEN);
    }

    private Map<String, String> settings() {
        Map<String, String> settings = SignedWebhooks.settings(ACCOUNT, TOKEN, PUBLIC, twilioApi.port(),
                FALLBACK_LINE);
        settings.put("hotline.telephony.twilio.api-key-sid", API_KEY);
        settings.put("hotline.telephony.twilio.operator-phones.operator2", OPERATOR2_PHONE);
        settings.put("hotline.telephony.twilio.operator-phones.supervisor", SUPERVISOR_PHONE);
        org.tiphotline.console.testing.TestDirectory.agency(settings, 0, "test-interpreters",
                "Test Interpreters (fake)", "INTERPRETING", INTERPRETER_LINE, "EMAIL interpreters@example.test");
        settings.put("hotline.telephony.twilio.api-key-secret", API_SECRET);
        settings.put("hotline.telephony.twilio.max-wait", MAX_WAIT.toMillis() + "ms");
        // Short, so that a test with the database away does not wait HikariCP's 30 s per request.
        settings.put("hotline.database.embedded.connection-timeout", "1500ms");
        return settings;
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        if (restartedDatabase != null) {
            try {
                restartedDatabase.close();
            } catch (java.io.IOException | RuntimeException alreadyStopped) {
                // The application's own shutdown may have stopped it already (same data directory).
            }
        }
        twilioApi.stop();
    }

    /**
     * PostgreSQL stopped in the middle of a call's IVR and started again: Twilio is answered throughout, the
     * reports it sent meanwhile are stored once the database is back, in order (the danger answer before the
     * "queued" that routes the call), and the caller reaches an operator as an urgent call.
     */
    @Test
    void reportsSentWhileTheDatabaseIsAwayAreStoredWhenItIsBackAndTheCallerReachesAnOperator() throws Exception {
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), "operator2", "operator2-demo"))) {
            goAvailable(live);
            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            assertThat(twilio.post("/twilio/voice", call).status()).isEqualTo(200);

            EmbeddedPostgres database = hotline.bean(EmbeddedPostgres.class);
            int port = database.getPort();
            database.close();
            PendingReports pending = hotline.bean(PendingReports.class);
            Map<String, String> inProgress = with(call, "CallStatus", "in-progress");
            // English, in immediate danger, safe to call back, the person affected: each answered with the next
            // step's TwiML.
            assertThat(text(twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(inProgress, "Digits",
                    "1")).twiml(), "/Response/Gather/@action")).startsWith("/twilio/ivr?q=IMMEDIATE_DANGER");
            assertThat(text(twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(inProgress,
                    "Digits", "1")).twiml(), "/Response/Gather/@action")).startsWith("/twilio/ivr?q=SAFE_TO_CALL_BACK");
            assertThat(text(twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en", with(inProgress,
                    "Digits", "1")).twiml(), "/Response/Gather/@action")).startsWith("/twilio/ivr?q=CALLER_TYPE");
            twilio.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(inProgress, "Digits", "1"));
            assertThat(text(twilio.post("/twilio/queued", inProgress).twiml(), "/Response/Redirect"))
                    .startsWith("/twilio/wait");
            assertThat(pending.waiting()).as("reports kept while the database is away").isGreaterThanOrEqualTo(5);

            // Twilio carries the call throughout, and says so: the node leads again once the database is back (its
            // lock's session died with it) and a node that gains the lead asks Twilio which calls are live.
            twilioApi.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json"))
                    .withQueryParam("Status", equalTo("in-progress")).atPriority(1)
                    .willReturn(okJson("{\"calls\": [{\"sid\": \"" + sid + "\"}], \"next_page_uri\": null}")));
            restartedDatabase = DatabaseRestart.start(data.resolve("postgres"), port);

            Calls calls = hotline.bean(Calls.class);
            CallRef ref = new CallRef("twilio", sid);
            Call stored = null;
            for (long until = System.nanoTime() + 60_000_000_000L; stored == null && System.nanoTime() < until;
                    Thread.sleep(100)) {
                try {
                    stored = calls.idOf(ref).flatMap(calls::load).filter(c -> c.state() != CallState.IVR)
                            .orElse(null);
                } catch (org.springframework.dao.DataAccessException stillAway) {
                    // The pool finds the database again a few seconds after it is back.
                }
            }
            assertThat(stored).as("the call, queued once the database was back").isNotNull();
            assertThat(stored.events()).extracting(CallEvent::type).startsWith(CallEventType.ARRIVED,
                    CallEventType.IVR_ANSWER, CallEventType.IVR_ANSWER, CallEventType.IVR_ANSWER,
                    CallEventType.IVR_ANSWER, CallEventType.QUEUED);
            assertThat(stored.safeToCallBack()).isTrue();
            assertThat(stored.urgent()).as("the danger answer was stored before the queueing").isTrue();
            assertThat(form(awaitApiRequest(sid, 1).getBodyAsString()).get("Url")).as("moved to an operator")
                    .contains("/twilio/connect?operator=");
            assertThat(pending.waiting()).isZero();
        }
    }

    @Test
    void forgedMissingOrReplayedElsewhereSignaturesAre403AndNothingIsStored() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        assertThat(twilio.send("/twilio/voice", call, null).status()).isEqualTo(403);
        assertThat(twilio.send("/twilio/voice", call, SignedWebhooks.sign("another-accounts-token",
                PUBLIC + "/twilio/voice", call)).status()).isEqualTo(403);
        // Signed for another host (what a proxy misconfiguration or a replay to another system looks like).
        assertThat(twilio.send("/twilio/voice", call, SignedWebhooks.sign(TOKEN, "https://elsewhere.example.test"
                + "/twilio/voice", call)).status()).isEqualTo(403);
        // A parameter changed after signing.
        Map<String, String> tampered = new LinkedHashMap<>(call);
        String signature = SignedWebhooks.sign(TOKEN, PUBLIC + "/twilio/voice", call);
        tampered.put("From", "+15550100999");
        assertThat(twilio.send("/twilio/voice", tampered, signature).status()).isEqualTo(403);
        // Our own query parameters are part of the signed URL: changing one breaks the signature.
        Map<String, String> digits = new LinkedHashMap<>(call);
        digits.put("Digits", "1");
        String signedFirstAttempt = SignedWebhooks.sign(TOKEN, PUBLIC
                + "/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", digits);
        assertThat(twilio.send("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=3&lang=en", digits, signedFirstAttempt)
                .status()).isEqualTo(403);

        assertThat(supervisor().get("/api/calllog?limit=50").body().get("rows")).isEmpty();
        assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*")))).as("nothing asked of Twilio").isEmpty();
    }

    @Test
    void aSignatureOverTheUrlWithItsDefaultPortIsAcceptedAsTwilioSendsSome() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        String withPort = SignedWebhooks.sign(TOKEN, PUBLIC + ":443/twilio/voice", call);
        assertThat(twilio.send("/twilio/voice", call, withPort).status()).isEqualTo(200);
        assertThat(supervisor().get("/api/calllog?limit=50").body().get("rows")).hasSize(1);
        // Another port is another URL.
        assertThat(twilio.send("/twilio/voice", SignedWebhooks.call(newCallSid(), ACCOUNT),
                SignedWebhooks.sign(TOKEN, PUBLIC + ":8443/twilio/voice", call)).status()).isEqualTo(403);
    }

    @Test
    void aJsonBodyIsCheckedThroughItsBodySha256AndAChangedBodyIsRefused() {
        String json = "{\"CallSid\":\"" + newCallSid() + "\",\"AccountSid\":\"" + ACCOUNT + "\"}";
        // Signed as sent: past the signature (the status webhook then finds no call parameters and stores nothing).
        assertThat(twilio.postJson("/twilio/status", json, json).status()).isEqualTo(200);
        // The body changed after Twilio hashed it.
        assertThat(twilio.postJson("/twilio/status", json.replace("CA", "CB"), json).status()).isEqualTo(403);
        assertThat(supervisor().get("/api/calllog?limit=50").body().get("rows")).isEmpty();
    }

    @Test
    void aRepeatedFormParameterIsRefusedBeforeAnythingIsStored() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        String signature = SignedWebhooks.sign(TOKEN, PUBLIC + "/twilio/voice", call);
        StringBuilder body = new StringBuilder();
        call.forEach((name, value) -> body.append(name).append('=').append(value.replace("+", "%2B")).append('&'));
        body.append("CallSid=").append(newCallSid());
        SignedWebhooks.Reply reply = twilio.sendBody("/twilio/voice", body.toString(), signature);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).contains("repeated");
        assertThat(supervisor().get("/api/calllog?limit=50").body().get("rows")).isEmpty();
    }

    @Test
    void eachWebhookReplayedThreeTimesIsStoredOnce() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        for (int i = 0; i < 3; i++) {
            assertThat(twilio.post("/twilio/voice", call).status()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "2")).status())
                    .isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            twilio.post("/twilio/status", with(call, "CallStatus", "completed"));
        }

        JsonNode rows = supervisor().get("/api/calllog?limit=50").body().get("rows");
        assertThat(rows).hasSize(1);
        JsonNode detail = supervisor().get("/api/calllog/" + rows.get(0).get("call").asString()).body();
        assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "ABANDONED");
        assertThat(detail.get("ivrPath").get("LANGUAGE").asString()).isEqualTo("es");
    }

    @Test
    void aHangUpThatOvertakesTheVoiceWebhookStillEndsTheCall() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        twilio.post("/twilio/status", with(call, "CallStatus", "completed"));
        twilio.post("/twilio/voice", call);
        JsonNode rows = supervisor().get("/api/calllog?limit=50").body().get("rows");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("outcome").asString()).isEqualTo("ABANDONED_IN_IVR");
        assertThat(types(supervisor().get("/api/calllog/" + rows.get(0).get("call").asString()).body()))
                .containsExactly("ARRIVED", "ABANDONED");
    }

    @Test
    void aFullCallThroughTheIvrToAnOperatorEndsWithTheSameTimelineAsOnTheSimulatedLine() throws Exception {
        assertThat(hotline.bean(TelephonyPorts.class).all()).extracting(p -> p.provider())
                .as("the simulated line stays available next to Twilio").contains("twilio", "sim");
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            live.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);

            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            Document menu = twilio.post("/twilio/voice", call).twiml();
            assertThat(text(menu, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en");
            assertThat(text(menu, "/Response/Gather/@input")).isEqualTo("dtmf");
            assertThat(text(menu, "/Response/Gather/@numDigits")).isEqualTo("1");
            assertThat(text(menu, "/Response/Gather/@actionOnEmptyResult")).isEqualTo("true");
            assertThat(count(menu, "/Response/Gather/Say")).as("welcome and one option per language").isEqualTo(4);
            assertThat(text(menu, "/Response/Redirect")).isEqualTo("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en");

            Document danger = twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1"))
                    .twiml();
            // First the "cannot speak freely" notice, in a Gather of its own that moves on after a second of silence.
            assertThat(text(danger, "/Response/Gather[1]/@action"))
                    .isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en&notice=1");
            assertThat(text(danger, "/Response/Gather[1]/@timeout")).isEqualTo("1");
            assertThat(text(danger, "/Response/Gather[1]/@actionOnEmptyResult")).isEmpty();
            assertThat(text(danger, "/Response/Gather[1]/Say")).isEqualTo(
                    "If you cannot speak freely, press 9 at any time.");
            assertThat(text(danger, "/Response/Gather[2]/@action"))
                    .isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en");
            Document safe = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en",
                    with(call, "Digits", "2")).twiml();
            assertThat(text(safe, "/Response/Gather/@action"))
                    .isEqualTo("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en");
            assertThat(text(safe, "/Response/Gather/Say")).startsWith("Is it safe to call you back on this number?");
            Document type = twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en",
                    with(call, "Digits", "1")).twiml();
            assertThat(text(type, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en");
            Document notice = twilio.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(call, "Digits", "1"))
                    .twiml();
            assertThat(count(notice, "/Response/Say")).isEqualTo(1);
            assertThat(text(notice, "/Response/Redirect")).isEqualTo("/twilio/queued?lang=en");
            Document hold = twilio.post("/twilio/queued?lang=en", call).twiml();
            assertThat(text(hold, "/Response/Redirect")).isEqualTo("/twilio/wait?round=1");
            assertThat(count(hold, "/Response/Pause")).isEqualTo(1);

            // The routing brain picks the operator; the adapter moves the live call to ring them.
            LoggedRequest moved = awaitApiRequest(sid);
            Map<String, String> sent = form(moved.getBodyAsString());
            assertThat(sent).containsEntry("Method", "POST");
            assertThat(sent.get("Url")).startsWith(PUBLIC + "/twilio/connect?operator=");
            assertThat(moved.getHeader("Authorization")).startsWith("Basic ");
            String connectPath = sent.get("Url").substring(PUBLIC.length());
            String operatorId = connectPath.substring(connectPath.indexOf('=') + 1);

            Document dial = twilio.post(connectPath, with(call, "CallStatus", "in-progress")).twiml();
            assertThat(text(dial, "/Response/Dial/@action")).isEqualTo("/twilio/dial-done?operator=" + operatorId);
            assertThat(text(dial, "/Response/Dial/@timeout")).isEqualTo("25");
            assertThat(text(dial, "/Response/Dial/@answerOnBridge")).isEqualTo("true");
            assertThat(text(dial, "/Response/Dial/Client/Identity")).isEqualTo("operator-" + operatorId);
            assertThat(text(dial, "/Response/Dial/Client/@statusCallback"))
                    .isEqualTo(PUBLIC + "/twilio/operator-status?operator=" + operatorId);
            assertThat(text(dial, "/Response/Dial/Client/@statusCallbackEvent")).isEqualTo("ringing answered");

            String leg = newCallSid();
            Map<String, String> legForm = new LinkedHashMap<>(SignedWebhooks.call(leg, ACCOUNT));
            legForm.put("ParentCallSid", sid);
            legForm.put("Direction", "outbound-dial");
            twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "ringing"));
            JsonNode pop = await(pops, p -> true, 5);
            assertThat(pop.get("provider").asString()).isEqualTo("twilio");
            assertThat(pop.get("providerCallId").asString()).isEqualTo(sid);
            assertThat(pop.get("callerMask").asString()).isEqualTo("•••• 42");
            assertThat(pop.get("safeToCallBack").asBoolean()).isTrue();
            String callId = pop.get("call").asString();
            twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "in-progress"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);

            // The operator hangs up: Twilio asks the Dial's action with the caller still on the line.
            Map<String, String> done = with(with(with(call, "CallStatus", "in-progress"), "DialCallStatus",
                    "completed"), "DialCallSid", leg);
            Document bye = twilio.post("/twilio/dial-done?operator=" + operatorId, done).twiml();
            assertThat(count(bye, "/Response/Hangup")).isEqualTo(1);
            await(calls, c -> c.get("state").asString().equals("ENDED"), 5);
            twilio.post("/twilio/status", with(call, "CallStatus", "completed"));

            JsonNode detail = supervisor().get("/api/calllog/" + callId).body();
            assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER",
                    "QUEUED", "OFFERED", "RINGING", "ANSWERED", "ENDED");
            assertThat(detail.get("summary").get("outcome").asString()).isEqualTo("COMPLETED");
            assertThat(detail.toString()).contains("\"by\":\"operator\"");
        }
    }

    @Test
    void aCallerWhoHangsUpWhileQueuedIsAbandonedWithTheirIvrPath() throws Exception {
        // Someone is signed in (so the caller waits) but speaks no French: the call stays in the queue.
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), "operator2", "operator2-demo"))) {
            goAvailable(live);
            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            assertThat(text(throughIvr(call, "3", "2", "1", "2"), "/Response/Redirect")).isEqualTo("/twilio/wait?round=1");
            twilio.post("/twilio/status", with(call, "CallStatus", "completed"));

            JsonNode row = supervisor().get("/api/calllog?limit=50").body().get("rows").get(0);
            assertThat(row.get("outcome").asString()).isEqualTo("ABANDONED_IN_QUEUE");
            JsonNode detail = supervisor().get("/api/calllog/" + row.get("call").asString()).body();
            assertThat(detail.get("ivrPath").get("LANGUAGE").asString()).isEqualTo("fr");
            assertThat(detail.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("NO");
            assertThat(detail.get("ivrPath").get("CALLER_TYPE").asString()).isEqualTo("SOMEONE_ELSE");
            assertThat(detail.get("ivrPath").get("SAFE_TO_CALL_BACK").asString()).isEqualTo("YES");
            assertThat(row.get("safeToCallBack").asBoolean()).isTrue();
        }
    }

    @Test
    void withNobodySignedInTheCallerReachesTheFallbackLineThenAMessageThatBecomesOneCallbackTask() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        Document human = throughIvr(call, "2", "1", "1", "1");
        assertThat(text(human, "/Response/Dial/Number")).isEqualTo(FALLBACK_LINE);
        assertThat(text(human, "/Response/Dial/@action")).isEqualTo("/twilio/fallback-done?lang=es");
        assertThat(text(human, "/Response/Say/@language")).isEqualTo("es-MX");

        Document message = twilio.post("/twilio/fallback-done?lang=es", with(with(call, "DialCallStatus",
                "no-answer"), "CallStatus", "in-progress")).twiml();
        assertThat(text(message, "/Response/Record/@action")).isEqualTo("/twilio/voicemail?lang=es");
        assertThat(text(message, "/Response/Record/@maxLength")).isEqualTo("180");
        assertThat(text(message, "/Response/Record/@playBeep")).isEqualTo("true");

        Map<String, String> recorded = with(with(with(call, "RecordingSid", "RE" + "a".repeat(32)),
                "RecordingDuration", "12"), "RecordingUrl", "https://api.twilio.example.test/Recordings/RE"
                + "a".repeat(32));
        for (int i = 0; i < 3; i++) {
            Document bye = twilio.post("/twilio/voicemail?lang=es", recorded).twiml();
            assertThat(count(bye, "/Response/Hangup")).isEqualTo(1);
        }
        assertThat(hotline.bean(CallbackTasks.class).openCount()).as("one task, however often Twilio delivers")
                .isEqualTo(1);

        JsonNode row = supervisor().get("/api/calllog?limit=50").body().get("rows").get(0);
        assertThat(row.get("outcome").asString()).isEqualTo("TRANSFERRED");
        JsonNode detail = supervisor().get("/api/calllog/" + row.get("call").asString()).body();
        assertThat(types(detail)).endsWith("QUEUED", "TRANSFERRED", "ENDED");
        assertThat(detail.toString()).contains("no operator signed in");
    }

    @Test
    void whenOurVoiceUrlFailsTwiliosFallbackUrlStillReachesAPerson() throws InterruptedException {
        String sid = newCallSid();
        Map<String, String> failed = with(with(SignedWebhooks.call(sid, ACCOUNT), "ErrorCode", "11200"), "ErrorUrl",
                PUBLIC + "/twilio/voice");
        String newest = supervisor().get("/api/calllog?limit=1").body().path("rows").path(0).path("call")
                .asString("");
        Document human = twilio.post("/twilio/fallback", failed).twiml();
        assertThat(text(human, "/Response/Dial/Number")).isEqualTo(FALLBACK_LINE);
        assertThat(twilio.post("/twilio/fallback-done?lang=en", with(failed, "DialCallStatus", "completed")).twiml()
                .getElementsByTagName("Hangup").getLength()).isEqualTo(1);
        // The record is written behind the answer (the fallback never waits for the database).
        JsonNode row = null;
        for (long until = System.nanoTime() + 10_000_000_000L; System.nanoTime() < until; Thread.sleep(50)) {
            JsonNode first = supervisor().get("/api/calllog?limit=1").body().path("rows").path(0);
            if (!first.path("call").asString("").equals(newest) && first.path("outcome").asString("").equals(
                    "TRANSFERRED")) {
                row = first;
                break;
            }
        }
        assertThat(row).as("the fallback call's record, transferred").isNotNull();
        assertThat(twilio.send("/twilio/fallback", failed, "forged").status()).isEqualTo(403);
    }

    @Test
    void aCallerWhoWaitedLongerThanTheMaximumIsTakenToTheFallbackLine() throws Exception {
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), "operator2", "operator2-demo"))) {
            goAvailable(live);
            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            throughIvr(call, "3", "2", "1", "3");
            assertThat(text(twilio.post("/twilio/wait?round=1", call).twiml(), "/Response/Redirect"))
                    .isEqualTo("/twilio/wait?round=2");
            Thread.sleep(MAX_WAIT.toMillis() + 300);
            Document human = twilio.post("/twilio/wait?round=2", call).twiml();
            assertThat(text(human, "/Response/Dial/Number")).isEqualTo(FALLBACK_LINE);
            JsonNode detail = supervisor().get("/api/calllog/" + supervisor().get("/api/calllog?limit=50").body()
                    .get("rows").get(0).get("call").asString()).body();
            assertThat(detail.toString()).contains("waited too long");
        }
    }

    @Test
    void silenceAtTheDangerQuestionIsAskedTwiceMoreThenTheCallIsUrgentAndBadInputIs400() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        twilio.post("/twilio/voice", call);
        twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1"));
        Document again = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", call).twiml();
        assertThat(count(again, "/Response/Say")).as("the 'invalid' prompt before the question").isEqualTo(1);
        assertThat(text(again, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=2&lang=en");
        Document wrong = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=2&lang=en", with(call, "Digits", "7"))
                .twiml();
        assertThat(text(wrong, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=3&lang=en");
        Document next = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=3&lang=en", call).twiml();
        assertThat(text(next, "/Response/Gather/@action"))
                .isEqualTo("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en");

        SignedWebhooks.Reply bogus = twilio.post("/twilio/ivr?q=FAVOURITE_COLOUR&attempt=1&lang=en", call);
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.body()).contains("q must be one of");
        assertThat(twilio.post("/twilio/ivr?q=CALLER_TYPE&attempt=9&lang=en", call).status()).isEqualTo(400);
        assertThat(twilio.post("/twilio/voice", Map.of("CallSid", "not-a-sid")).status()).isEqualTo(400);

        JsonNode row = supervisor().get("/api/calllog?limit=50").body().get("rows").get(0);
        JsonNode detail = supervisor().get("/api/calllog/" + row.get("call").asString()).body();
        assertThat(detail.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("NO_INPUT");
        assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "IVR_ANSWER");
        // The console's JSON API still answers JSON with the Twilio SDK (and its XML support) on the class path.
        ConsoleClient.Response me = supervisor().get("/api/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().isObject()).isTrue();
    }

    @Test
    void anOperatorsBrowserPhoneGetsAShortLivedVoiceTokenForTheIdentityTheAdapterRings() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient.Response reply = operator.get("/api/twilio/token");
        assertThat(reply.status()).isEqualTo(200);
        String jwt = reply.body().get("token").asString();
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        // Checked here with the JDK alone: HMAC-SHA256 over header.payload with the API key's secret.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(API_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8)));
        assertThat(parts[2]).isEqualTo(expected);
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        JsonNode header = json.readTree(java.util.Base64.getUrlDecoder().decode(parts[0]));
        JsonNode payload = json.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asString()).isEqualTo("HS256");
        assertThat(header.get("cty").asString()).isEqualTo("twilio-fpa;v=1");
        assertThat(payload.get("iss").asString()).isEqualTo(API_KEY);
        assertThat(payload.get("sub").asString()).isEqualTo(ACCOUNT);
        long now = System.currentTimeMillis() / 1000;
        assertThat(payload.get("exp").asLong() - now).as("ten minutes").isBetween(560L, 601L);
        String identity = payload.get("grants").get("identity").asString();
        assertThat(identity).matches("operator-\\d+").isEqualTo(reply.body().get("identity").asString());
        assertThat(payload.get("grants").get("voice").get("incoming").get("allow").asBoolean()).isTrue();
        assertThat(payload.toString()).doesNotContain("Demo Operator").doesNotContain("\"operator\"");

        assertThat(supervisor().get("/api/twilio/token").status()).as("not an operator").isEqualTo(403);
        java.net.http.HttpResponse<String> anonymous = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(hotline.base() + "/api/twilio/token")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void afterARestartCallsTwilioNoLongerCarriesAreClosedAndTheOthersWaitOn() throws Exception {
        String gone = newCallSid();
        String live = newCallSid();
        try (LiveClient console = LiveClient.connect(ConsoleClient.login(hotline.base(), "operator2",
                "operator2-demo"))) {
            goAvailable(console);
            for (String sid : List.of(gone, live)) {
                Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
                throughIvr(call, "3", "2", "1", "1");
            }
        }
        hotline.close();
        // Twilio still carries one of the two, on the second page of its list.
        String calls = "/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json";
        twilioApi.stubFor(get(urlPathEqualTo(calls)).withQueryParam("Status", equalTo("in-progress"))
                .willReturn(okJson("{\"calls\": [{\"sid\": \"" + newCallSid() + "\"}], \"next_page_uri\": \""
                        + calls + "?Status=in-progress&PageSize=1000&Page=1&PageToken=PAtest\"}")));
        twilioApi.stubFor(get(urlPathEqualTo(calls)).withQueryParam("PageToken", equalTo("PAtest"))
                .willReturn(okJson("{\"calls\": [{\"sid\": \"" + live + "\"}], \"next_page_uri\": null}")));
        hotline = RunningHotline.start(data, settings());

        // Newest first: the call Twilio still carries arrived second.
        JsonNode rows = supervisor().get("/api/calllog?limit=50").body().get("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("outcome").asString()).isEqualTo("LOST");
        assertThat(supervisor().get("/api/calllog/" + rows.get(1).get("call").asString()).body().toString())
                .contains("reconciled");
        assertThat(rows.get(0).get("state").asString()).as("still waiting").isEqualTo("QUEUED");
        assertThat(supervisor().get("/api/live/queue").body().get("waiting")).hasSize(1);
    }

    @Test
    void statusCallbacksOutOfOrderStillPopTheFormAndLeaveOneTimeline() throws Exception {
        // operator2 is rung on their phone number, not in the browser.
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), "operator2", "operator2-demo"))) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            goAvailable(live);
            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            throughIvr(call, "1", "2", "1", "2");
            String url = form(awaitApiRequest(sid).getBodyAsString()).get("Url");
            String operatorId = url.substring(url.indexOf("operator=") + "operator=".length());
            Document dial = twilio.post(url.substring(PUBLIC.length()), with(call, "CallStatus", "in-progress"))
                    .twiml();
            assertThat(text(dial, "/Response/Dial/Number")).isEqualTo(OPERATOR2_PHONE);
            assertThat(text(dial, "/Response/Dial/Number/@statusCallback"))
                    .isEqualTo(PUBLIC + "/twilio/operator-status?operator=" + operatorId);
            assertThat(count(dial, "/Response/Dial/Client")).isZero();

            String leg = newCallSid();
            Map<String, String> legForm = with(SignedWebhooks.call(leg, ACCOUNT), "ParentCallSid", sid);
            // The answer overtakes the ringing; then the ringing comes, twice.
            twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "in-progress"));
            String callId = await(pops, p -> true, 5).get("call").asString();
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
            twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "ringing"));
            twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "ringing"));
            // The caller hangs up: the number's status callback and the Dial action both say so.
            twilio.post("/twilio/status", with(call, "CallStatus", "completed"));
            twilio.post("/twilio/dial-done?operator=" + operatorId, with(with(with(call, "CallStatus", "completed"),
                    "DialCallStatus", "completed"), "DialCallSid", leg));

            JsonNode detail = supervisor().get("/api/calllog/" + callId).body();
            assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER",
                    "QUEUED", "OFFERED", "RINGING", "ANSWERED", "ENDED");
            assertThat(detail.toString()).contains("\"by\":\"caller\"");
        }
    }

    @Test
    void anOfferNobodyAnswersIsWithdrawnToTheHoldLoopAndAHangUpEndsTheCallAtTwilio() throws Exception {
        hotline.close();
        Map<String, String> quick = settings();
        quick.put("hotline.routing.offer-timeout", "1s");
        hotline = RunningHotline.start(data, quick);
        twilio = new SignedWebhooks(hotline.base(), PUBLIC, TOKEN);
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), "operator", "operator-demo"))) {
            goAvailable(live);
            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            throughIvr(call, "1", "2", "1", "1");
            assertThat(form(awaitApiRequest(sid, 1).getBodyAsString()).get("Url")).contains("/twilio/connect?");
            // The operator's browser rings and nobody answers: the core withdraws the offer.
            Map<String, String> back = form(awaitApiRequest(sid, 2).getBodyAsString());
            assertThat(back).containsEntry("Url", PUBLIC + "/twilio/wait").containsEntry("Method", "POST");

            hotline.bean(TelephonyPorts.class).of("twilio").hangUp(new CallRef("twilio", sid));
            LoggedRequest hungUp = awaitApiRequest(sid, 3);
            assertThat(form(hungUp.getBodyAsString())).containsExactly(Map.entry("Status", "completed"));
            assertThat(hungUp.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        }
    }

    /** A Twilio call an operator is talking on: the caller's and the operator leg's CallSids, the call's id. */
    private record Talking(String sid, String leg, String operatorId, String callId, Map<String, String> form) {}

    private Talking talking(LiveClient live) throws Exception {
        BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
        BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
        goAvailable(live);
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        throughIvr(call, "1", "1", "1", "1");
        String url = form(awaitApiRequest(sid).getBodyAsString()).get("Url");
        String operatorId = url.substring(url.indexOf("operator=") + "operator=".length());
        twilio.post(url.substring(PUBLIC.length()), with(call, "CallStatus", "in-progress"));
        String leg = newCallSid();
        Map<String, String> legForm = new LinkedHashMap<>(SignedWebhooks.call(leg, ACCOUNT));
        legForm.put("ParentCallSid", sid);
        twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "ringing"));
        String callId = await(pops, p -> true, 5).get("call").asString();
        twilio.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "in-progress"));
        await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
        return new Talking(sid, leg, operatorId, callId, with(call, "CallStatus", "in-progress"));
    }

    @Test
    void aTransferAddsThePoliceLineOnceAndLetsTheOperatorGoWhenItAnswers() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            Talking t = talking(live);
            twilioApi.stubFor(post(urlPathMatching("/2010-04-01/Accounts/" + ACCOUNT
                    + "/Conferences/hotline-CA[0-9a-f]{32}/Participants\\.json"))
                    .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                            .withBody("{\"call_sid\": \"CA" + "e".repeat(32) + "\", \"status\": \"queued\"}")));

            hotline.bean(TelephonyPorts.class).of("twilio").transfer(new CallRef("twilio", t.sid()), "5550100119");

            Map<String, String> operatorMoved = form(awaitApiRequest(t.leg()).getBodyAsString());
            assertThat(operatorMoved).containsEntry("Url", PUBLIC + "/twilio/conference?call=" + t.sid()
                    + "&role=operator");
            LoggedRequest added = awaitRequest(".*/Conferences/hotline-" + t.sid() + "/Participants\\.json");
            Map<String, String> participant = form(added.getBodyAsString());
            assertThat(participant).containsEntry("From", "+15550100000").containsEntry("To", "5550100119")
                    .containsEntry("Label", "escalation").containsEntry("EarlyMedia", "false")
                    .containsEntry("StatusCallback", PUBLIC + "/twilio/escalation-status?call=" + t.sid()
                            + "&mode=transfer")
                    .containsEntry("StatusCallbackEvent", "answered completed")
                    .containsEntry("ConferenceStatusCallback", PUBLIC + "/twilio/conference-status?call=" + t.sid());

            // The operator's leg left the Dial: Twilio asks the caller's Dial action, which joins the caller.
            Document callerJoins = twilio.post("/twilio/dial-done?operator=" + t.operatorId(), with(with(t.form(),
                    "DialCallStatus", "completed"), "DialCallSid", t.leg())).twiml();
            assertThat(text(callerJoins, "/Response/Dial/Conference")).isEqualTo("hotline-" + t.sid());
            assertThat(text(callerJoins, "/Response/Dial/Conference/@endConferenceOnExit")).isEqualTo("true");
            assertThat(text(callerJoins, "/Response/Dial/Conference/@beep")).isEqualTo("false");
            Document operatorJoins = twilio.post("/twilio/conference?call=" + t.sid() + "&role=operator",
                    SignedWebhooks.call(t.leg(), ACCOUNT)).twiml();
            assertThat(text(operatorJoins, "/Response/Dial/Conference")).isEqualTo("hotline-" + t.sid());
            assertThat(text(operatorJoins, "/Response/Dial/Conference/@endConferenceOnExit")).isEqualTo("false");

            String police = "CA" + "e".repeat(32);
            for (int i = 0; i < 3; i++) {
                twilio.post("/twilio/escalation-status?call=" + t.sid() + "&mode=transfer",
                        with(SignedWebhooks.call(police, ACCOUNT), "CallStatus", "in-progress"));
            }
            Map<String, String> operatorLeaves = form(awaitApiRequest(t.leg(), 2).getBodyAsString());
            assertThat(operatorLeaves).containsEntry("Status", "completed");

            JsonNode detail = supervisor().get("/api/calllog/" + t.callId()).body();
            assertThat(types(detail)).endsWith("ANSWERED", "ESCALATED", "TRANSFERRED", "ENDED");
            assertThat(detail.toString()).contains("\"result\":\"connected\"").contains("\"by\":\"transfer\"");
            Thread.sleep(200);
            assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*/Participants\\.json"))))
                    .as("the police line is dialled once").hasSize(1);
        }
    }

    /**
     * Listening in, then coaching, on Twilio: the call moves into its conference once (the operator's leg
     * redirected, as for an escalation), the supervisor's phone is added muted, then replaced by a participant
     * coaching the operator's leg; the timeline records both.
     */
    @Test
    void aSupervisorListensMutedThenCoachesTheOperatorAsAConferenceParticipant() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            Talking t = talking(live);
            String supervisorLeg = "CA" + "5".repeat(32);
            twilioApi.stubFor(post(urlPathMatching(".*/Participants\\.json")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"call_sid\": \"" + supervisorLeg + "\", \"status\": \"queued\"}")));
            ConsoleClient supervisor = supervisor();

            assertThat(supervisor.post("/api/supervision/calls/" + t.callId(), Map.of("mode", "LISTEN")).status())
                    .isEqualTo(200);
            assertThat(form(awaitApiRequest(t.leg()).getBodyAsString())).containsEntry("Url",
                    PUBLIC + "/twilio/conference?call=" + t.sid() + "&role=operator");
            Map<String, String> listening = form(awaitRequest(".*/Conferences/hotline-" + t.sid()
                    + "/Participants\\.json").getBodyAsString());
            assertThat(listening).containsEntry("From", "+15550100000").containsEntry("To", SUPERVISOR_PHONE)
                    .containsEntry("Label", "supervisor").containsEntry("Muted", "true")
                    .doesNotContainKey("Coaching");

            assertThat(supervisor.post("/api/supervision/calls/" + t.callId(), Map.of("mode", "WHISPER")).status())
                    .isEqualTo(200);
            assertThat(form(awaitApiRequest(supervisorLeg).getBodyAsString()))
                    .as("the listening leg hung up").containsEntry("Status", "completed");
            Map<String, String> coaching = form(awaitRequest(".*/Conferences/hotline-" + t.sid()
                    + "/Participants\\.json", 2).getBodyAsString());
            assertThat(coaching).containsEntry("To", SUPERVISOR_PHONE).containsEntry("Coaching", "true")
                    .containsEntry("CallSidToCoach", t.leg()).doesNotContainKey("Muted");
            assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*/Calls/" + t.leg() + "\\.json"))))
                    .as("the operator is moved into the conference once").hasSize(1);

            // The operator's leg left the Dial for the conference: the caller follows it there, not hung up.
            Document callerJoins = twilio.post("/twilio/dial-done?operator=" + t.operatorId(), with(with(t.form(),
                    "DialCallStatus", "completed"), "DialCallSid", t.leg())).twiml();
            assertThat(text(callerJoins, "/Response/Dial/Conference")).isEqualTo("hotline-" + t.sid());
            assertThat(types(supervisor.get("/api/calllog/" + t.callId()).body()))
                    .containsSubsequence("ANSWERED", "SUPERVISED", "SUPERVISION_ENDED", "SUPERVISED")
                    .doesNotContain("ENDED");

            // The operator leaves the conference: a supervisor is no company, the caller is not kept on with them.
            for (String who : List.of(t.sid(), t.leg(), supervisorLeg)) {
                twilio.post("/twilio/conference-status?call=" + t.sid(), with(with(SignedWebhooks.call(who, ACCOUNT),
                        "StatusCallbackEvent", "participant-join"), "FriendlyName", "hotline-" + t.sid()));
            }
            twilio.post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(t.leg(), ACCOUNT),
                    "StatusCallbackEvent", "participant-leave"));
            assertThat(form(awaitApiRequest(t.sid(), 2).getBodyAsString())).containsEntry("Status", "completed");
        }
    }

    /**
     * A consult and the warm transfer on Twilio (issue 20 F): the call moves into its conference, the colleague's
     * phone is added as a participant, and the caller is held by an update of their participant, addressed by the
     * conference's SID once Twilio reports it with the caller's join; the hand-over takes the caller off hold and
     * ends the operator's leg, whose leaving then leaves the caller with the colleague.
     */
    @Test
    void aConsultHoldsTheCallerAndAddsTheColleagueThenTheHandOverLetsTheOperatorGo() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient colleague = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator); LiveClient liveTwo = LiveClient.connect(colleague)) {
            Talking t = talking(live);
            goAvailable(liveTwo);
            String colleagueLeg = "CA" + "6".repeat(32);
            String conference = "CF" + "7".repeat(32);
            twilioApi.stubFor(post(urlPathMatching(".*/Participants\\.json")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"call_sid\": \"" + colleagueLeg + "\", \"status\": \"queued\"}")));
            twilioApi.stubFor(post(urlPathMatching(".*/Conferences/CF[0-9a-f]{32}/Participants/CA[0-9a-f]{32}\\.json"))
                    .willReturn(okJson("{\"hold\": true}")));
            long colleagueId = colleague.get("/api/me").body().get("id").asLong();

            ConsoleClient.Response asked = operator.post("/api/console/calls/" + t.callId() + "/consult",
                    Map.of("colleague", colleagueId));
            assertThat(asked.status()).as(asked.body().toString()).isEqualTo(200);
            assertThat(form(awaitApiRequest(t.leg()).getBodyAsString())).containsEntry("Url",
                    PUBLIC + "/twilio/conference?call=" + t.sid() + "&role=operator");
            assertThat(form(awaitRequest(".*/Conferences/hotline-" + t.sid() + "/Participants\\.json")
                    .getBodyAsString())).containsEntry("From", "+15550100000").containsEntry("To", OPERATOR2_PHONE)
                    .containsEntry("Label", "colleague").doesNotContainKey("Coaching");
            Document callerJoins = twilio.post("/twilio/dial-done?operator=" + t.operatorId(), with(with(t.form(),
                    "DialCallStatus", "completed"), "DialCallSid", t.leg())).twiml();
            assertThat(text(callerJoins, "/Response/Dial/Conference")).isEqualTo("hotline-" + t.sid());
            for (String who : List.of(t.leg(), t.sid(), colleagueLeg)) {
                twilio.post("/twilio/conference-status?call=" + t.sid(), with(with(with(SignedWebhooks.call(who,
                        ACCOUNT), "StatusCallbackEvent", "participant-join"), "FriendlyName", "hotline-" + t.sid()),
                        "ConferenceSid", conference));
            }
            String callerInConference = ".*/Conferences/" + conference + "/Participants/" + t.sid() + "\\.json";
            assertThat(form(awaitRequest(callerInConference).getBodyAsString())).containsEntry("Hold", "true");

            assertThat(operator.post("/api/console/calls/" + t.callId() + "/consult/hand-over", null).status())
                    .isEqualTo(200);
            assertThat(form(awaitRequest(callerInConference, 2).getBodyAsString())).containsEntry("Hold", "false");
            assertThat(form(awaitApiRequest(t.leg(), 2).getBodyAsString())).containsEntry("Status", "completed");
            twilio.post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(t.leg(), ACCOUNT),
                    "StatusCallbackEvent", "participant-leave"));
            Thread.sleep(300);
            assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*/Calls/" + t.sid() + "\\.json"))))
                    .as("the caller stays, with the colleague").noneMatch(r -> r.getBodyAsString()
                            .contains("Status=completed"));
            assertThat(types(supervisor().get("/api/calllog/" + t.callId()).body()))
                    .endsWith("ANSWERED", "CONSULTED", "TRANSFERRED");
        }
    }

    /** An interpreter line of the directory: the call in its conference, the line added as a participant, nobody held. */
    @Test
    void anInterpreterLineIsAddedToTheCallsConferenceAsAParticipant() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            Talking t = talking(live);
            twilioApi.stubFor(post(urlPathMatching(".*/Participants\\.json")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"call_sid\": \"CA" + "8".repeat(32) + "\", \"status\": \"queued\"}")));
            assertThat(operator.post("/api/console/calls/" + t.callId() + "/interpreter",
                    Map.of("agency", "test-interpreters")).status()).isEqualTo(200);
            assertThat(form(awaitApiRequest(t.leg()).getBodyAsString())).containsEntry("Url",
                    PUBLIC + "/twilio/conference?call=" + t.sid() + "&role=operator");
            assertThat(form(awaitRequest(".*/Conferences/hotline-" + t.sid() + "/Participants\\.json")
                    .getBodyAsString())).containsEntry("To", INTERPRETER_LINE).containsEntry("Label", "interpreter")
                    .containsEntry("From", "+15550100000").doesNotContainKey("Muted");
            Thread.sleep(200);
            assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*/Participants/CA[0-9a-f]{32}\\.json"))))
                    .as("nobody is held").isEmpty();
            assertThat(types(supervisor().get("/api/calllog/" + t.callId()).body())).endsWith("INTERPRETER_ADDED");
        }
    }

    @Test
    void aConferenceThatTwilioRefusesOrThePoliceLineDoesNotAnswerIsRecordedAsFailed() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            Talking t = talking(live);
            twilioApi.stubFor(post(urlPathMatching(".*/Participants\\.json")).willReturn(aResponse().withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"code\": 21211, \"message\": \"Invalid 'To' Phone Number\", \"status\": 400}")));
            hotline.bean(TelephonyPorts.class).of("twilio").conference(new CallRef("twilio", t.sid()), "5550100119");
            awaitTimeline(t.callId(), "ESCALATED");
            JsonNode first = supervisor().get("/api/calllog/" + t.callId()).body();
            assertThat(first.toString()).contains("\"result\":\"failed\"").contains("error 21211");
            // The operator's leg had already moved: the caller's Dial ends, and they must follow, not be cut off.
            Document follows = twilio.post("/twilio/dial-done?operator=" + t.operatorId(), with(with(t.form(),
                    "DialCallStatus", "completed"), "DialCallSid", t.leg())).twiml();
            assertThat(text(follows, "/Response/Dial/Conference")).isEqualTo("hotline-" + t.sid());
            assertThat(types(supervisor().get("/api/calllog/" + t.callId()).body())).doesNotContain("ENDED");

            // Twilio accepts the participant now, but the line never answers.
            twilioApi.stubFor(post(urlPathMatching(".*/Participants\\.json")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody("{\"status\": \"queued\"}")));
            hotline.bean(TelephonyPorts.class).of("twilio").conference(new CallRef("twilio", t.sid()), "5550100119");
            awaitRequest(".*/Participants\\.json", 2);
            twilio.post("/twilio/escalation-status?call=" + t.sid() + "&mode=conference",
                    with(SignedWebhooks.call("CA" + "d".repeat(32), ACCOUNT), "CallStatus", "no-answer"));
            JsonNode detail = supervisor().get("/api/calllog/" + t.callId()).body();
            assertThat(types(detail).stream().filter("ESCALATED"::equals)).hasSize(2);
            assertThat(detail.toString()).contains("escalation line: no-answer");
            assertThat(types(detail)).doesNotContain("ENDED");
        }
    }

    @Test
    void aCallerLeftAloneInTheConferenceIsNotKeptOnHold() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            Talking t = talking(live);
            String police = "CA" + "c".repeat(32);
            twilioApi.stubFor(post(urlPathMatching(".*/Participants\\.json")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody("{\"status\": \"queued\"}")));
            hotline.bean(TelephonyPorts.class).of("twilio").conference(new CallRef("twilio", t.sid()), "5550100119");
            awaitRequest(".*/Participants\\.json", 1);
            twilio.post("/twilio/escalation-status?call=" + t.sid() + "&mode=conference",
                    with(SignedWebhooks.call(police, ACCOUNT), "CallStatus", "in-progress"));
            for (String who : List.of(t.sid(), t.leg(), police)) {
                twilio.post("/twilio/conference-status?call=" + t.sid(), with(with(SignedWebhooks.call(who, ACCOUNT),
                        "StatusCallbackEvent", "participant-join"), "FriendlyName", "hotline-" + t.sid()));
            }
            twilio.post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(police, ACCOUNT),
                    "StatusCallbackEvent", "participant-leave"));
            Thread.sleep(200);
            assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*/Calls/" + t.sid() + "\\.json"))))
                    .as("caller and operator still talk").hasSize(1);
            twilio.post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(t.leg(), ACCOUNT),
                    "StatusCallbackEvent", "participant-leave"));
            assertThat(form(awaitApiRequest(t.sid(), 2).getBodyAsString())).containsEntry("Status", "completed");
        }
    }

    private void awaitTimeline(String callId, String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (types(supervisor().get("/api/calllog/" + callId).body()).contains(type)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + type + " in the timeline of call " + callId);
    }

    private LoggedRequest awaitApiRequest(String callSid, int nth) throws InterruptedException {
        return awaitRequest(".*/Calls/" + callSid + "\\.json", nth);
    }

    private LoggedRequest awaitRequest(String pathPattern) throws InterruptedException {
        return awaitRequest(pathPattern, 1);
    }

    /** The nth request (1-based) to a REST path, once it has been made. */
    private LoggedRequest awaitRequest(String pathPattern, int nth) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<LoggedRequest> found = twilioApi.findAll(postRequestedFor(urlPathMatching(pathPattern)));
            if (found.size() >= nth) {
                return found.get(nth - 1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no request " + nth + " to " + pathPattern);
    }

    private LoggedRequest awaitApiRequest(String callSid) throws InterruptedException {
        return awaitApiRequest(callSid, 1);
    }

    /**
     * The caller goes through the IVR pressing these digits (language, immediate danger, safe to call back, caller
     * type) and is queued; returns the TwiML the queueing answered (hold, or the fallback).
     */
    private Document throughIvr(Map<String, String> call, String language, String danger, String safe, String type) {
        twilio.post("/twilio/voice", call);
        String lang = List.of("en", "es", "fr").get(Integer.parseInt(language) - 1);
        twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", language));
        twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=" + lang, with(call, "Digits", danger));
        twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=" + lang, with(call, "Digits", safe));
        Document notice = twilio.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=" + lang, with(call, "Digits", type))
                .twiml();
        // As Twilio does, follow the notice's redirect: it carries the caller's language, which the hold (or the
        // fallback line's prompts) are then spoken in.
        String queued = text(notice, "/Response/Redirect");
        assertThat(queued).isEqualTo("/twilio/queued?lang=" + lang);
        return twilio.post(queued, call).twiml();
    }

    private static void goAvailable(LiveClient live) throws InterruptedException {
        BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
    }

    private ConsoleClient supervisor() {
        return ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
    }

    private String newCallSid() {
        return String.format("CA%032x", ++sids + 0xfa4eL * 1_000_000L);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static List<String> types(JsonNode detail) {
        List<String> types = new ArrayList<>();
        detail.get("timeline").forEach(e -> types.add(e.get("type").asString()));
        return types;
    }
}
