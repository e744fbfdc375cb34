package org.tiphotline.console.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import javax.xml.xpath.XPathFactory;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.DialledCallbacks;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestTwilio;
import tools.jackson.databind.JsonNode;

/**
 * A callback on a Twilio number: WireMock in place of the REST API sees the operator's leg created with the Calls
 * API and the person added to the callback's conference with the Participants API, both from the hotline's number;
 * Twilio's status callbacks, signed as Twilio signs them, make it a call like any other or one nobody was reached
 * on. No TwiML answered to Twilio carries the person's number.
 */
@ExtendWith(OutputCaptureExtension.class)
class TwilioCallbackTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "1";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.test";
    private static final String OPERATOR2_PHONE = "+15550100777";
    /** The caller and the hotline's number of {@link SignedWebhooks#call}. */
    private static final String CALLER = "+15550100142";
    private static final String HOTLINE = "+15550100000";
    private static final String OPERATOR_LEG = "CA" + "0".repeat(31) + "a";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path data;

    private WireMockServer twilioApi;
    private RunningHotline hotline;
    private SignedWebhooks twilio;
    private int sids;

    @BeforeEach
    void start() {
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        String account = "/2010-04-01/Accounts/" + ACCOUNT;
        twilioApi.stubFor(post(urlPathEqualTo(account + "/Calls.json")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\": \"" + OPERATOR_LEG + "\", \"status\": \"queued\"}")));
        twilioApi.stubFor(post(urlPathMatching(account + "/Calls/CA[0-9a-f]{32}\\.json"))
                .willReturn(okJson("{\"status\": \"completed\"}")));
        twilioApi.stubFor(post(urlPathMatching(account + "/Conferences/.+/Participants\\.json"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"call_sid\": \"CA" + "0".repeat(31) + "b\"}")));
        twilioApi.stubFor(get(urlPathEqualTo(account + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        Map<String, String> settings = SignedWebhooks.settings(ACCOUNT, TOKEN, PUBLIC, twilioApi.port(),
                "+15550100911");
        settings.put("hotline.telephony.twilio.operator-phones.operator2", OPERATOR2_PHONE);
        // Inside the safe hours for calling back, whatever the machine's hour.
        settings.put("hotline.jurisdiction.time-zone", org.tiphotline.console.callbacks.NoonZone.now());
        hotline = RunningHotline.start(data, settings);
        twilio = new SignedWebhooks(hotline.base(), PUBLIC, TOKEN);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        twilioApi.stop();
    }

    @Test
    void theOperatorsLegThenThePersonAndItIsACallLikeAnyOther(CapturedOutput log) throws Exception {
        CallId earlier = hungUp(CALLER);
        ConsoleClient operator2 = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator2)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");

            CallId id = DialledCallbacks.dial(hotline, earlier, "operator2");
            String ref = "cb-" + id;

            Map<String, String> leg = form(only("/Calls.json"));
            assertThat(leg).containsEntry("To", OPERATOR2_PHONE).containsEntry("From", HOTLINE)
                    .containsEntry("Url", PUBLIC + "/twilio/callback/operator?call=" + ref)
                    .containsEntry("StatusCallback", PUBLIC + "/twilio/callback/operator-status?call=" + ref);
            assertThat(leg.values()).noneMatch(v -> v.contains(CALLER));

            assertThat(twilio.post("/twilio/callback/operator-status?call=" + ref, leg("ringing")).status())
                    .isEqualTo(200);
            JsonNode pop = await(pops, p -> p.get("call").asString().equals(id.toString()), 10);
            assertThat(pop.get("direction").asString()).isEqualTo("CALLBACK");
            assertThat(pop.get("provider").asString()).isEqualTo("twilio");
            assertThat(pop.get("earlierContacts").asInt()).isEqualTo(1);

            // The operator answers: their TwiML is the callback's conference, and the person is dialled into it.
            SignedWebhooks.Reply twiml = twilio.post("/twilio/callback/operator?call=" + ref, leg("in-progress"));
            assertThat(twiml.status()).isEqualTo(200);
            assertThat(XPathFactory.newInstance().newXPath().evaluate("/Response/Dial/Conference", twiml.twiml()))
                    .isEqualTo("hotline-" + ref);
            assertThat(twiml.body()).doesNotContain(CALLER).doesNotContain(CALLER.substring(2));
            Map<String, String> person = form(awaitRequest("/Conferences/hotline-" + ref + "/Participants.json"));
            assertThat(person).containsEntry("To", CALLER).containsEntry("From", HOTLINE)
                    .containsEntry("Label", "callback")
                    .containsEntry("StatusCallback", PUBLIC + "/twilio/callback/status?call=" + ref);

            twilio.post("/twilio/callback/status?call=" + ref, person("in-progress"));
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("TALKING"), 5);
            twilio.post("/twilio/callback/status?call=" + ref, person("completed"));
            // Twilio's retry of the same status changes nothing.
            twilio.post("/twilio/callback/status?call=" + ref, person("completed"));
            twilio.post("/twilio/callback/operator-status?call=" + ref, leg("completed"));
            JsonNode ended = await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
            assertThat(ended.get("outcome").asString()).isEqualTo("COMPLETED");
            assertThat(DialledCallbacks.call(hotline, id).events().getLast().detail("by")).isEqualTo("caller");
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator2")).isEqualTo(1);
        }
        assertThat(log.getAll()).doesNotContain(CALLER).doesNotContain(CALLER.substring(2));
    }

    @Test
    void nobodyAnswersAtEitherEndAndTheCallIsNotReached() throws Exception {
        CallId earlier = hungUp(CALLER);
        ConsoleClient operator2 = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator2)) {
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");

            // The person does not answer: the operator's leg is hung up for them.
            CallId first = DialledCallbacks.dial(hotline, earlier, "operator2");
            twilio.post("/twilio/callback/operator-status?call=cb-" + first, leg("ringing"));
            twilio.post("/twilio/callback/operator?call=cb-" + first, leg("in-progress"));
            awaitRequest("/Conferences/hotline-cb-" + first + "/Participants.json");
            twilio.post("/twilio/callback/status?call=cb-" + first, person("no-answer"));
            awaitNotReached(updates, first);
            awaitRequest("/Calls/" + OPERATOR_LEG + ".json");

            // The operator's own phone is not answered.
            CallId second = DialledCallbacks.dial(hotline, earlier, "operator2");
            twilio.post("/twilio/callback/operator-status?call=cb-" + second, leg("ringing"));
            twilio.post("/twilio/callback/operator-status?call=cb-" + second, leg("no-answer"));
            awaitNotReached(updates, second);
            assertThat(twilioApi.findAll(postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + ACCOUNT
                    + "/Conferences/hotline-cb-" + second + "/Participants.json")))).isEmpty();
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator2")).isEqualTo(2);
        }
    }

    @Test
    void aWithheldNumberIsNeverDialledAndAForgedCallbackIsRefused() throws Exception {
        CallId withheld = hungUp("anonymous");
        twilioApi.resetRequests();

        assertThatThrownBy(() -> DialledCallbacks.dial(hotline, withheld, "operator2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withheld");
        assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*")))).isEmpty();
        assertThat(db().fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq(withheld.toString()),
                AUDIT_LOG.ACTION.eq("READ"))).isZero();

        // A signed webhook naming no callback is refused in words; unsigned, it never gets in.
        assertThat(twilio.post("/twilio/callback/status?call=CA123", person("completed")).status()).isEqualTo(400);
        assertThat(twilio.send("/twilio/callback/status?call=cb-" + UUID.randomUUID(), person("completed"), null)
                .status()).isEqualTo(403);
    }

    /**
     * The whole way back to a caller through Twilio: signed webhooks carry the caller through the menu (danger: yes,
     * safe to call back: yes) into the queue, where they hang up; the task appears live; the operator takes it over
     * HTTP and WireMock sees the operator's leg and then the person requested from the hotline's number; the person
     * answers; the pop counts the call they hung up on; the outcome closes the task; one read of the number.
     */
    @Test
    void aCallerWhoSaidSafeYesAndHungUpWhileWaitingIsCalledBackFromTheLiveQueue() throws Exception {
        ConsoleClient operator2 = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator2)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/callbacks");
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
            available(live);

            // English; the notice; danger: yes; safe to call back: yes; who is calling: the person affected.
            CallId earlier = hungUpWaiting(CALLER, "1", "", "1", "1", "1");
            assertThat(DialledCallbacks.call(hotline, earlier).safeToCallBack()).isTrue();
            JsonNode task = await(queue, t -> t.get("callerMask").asString().endsWith("42")
                    && t.get("status").asString().equals("WAITING"), 10);
            // Queued, then offered to the operator signed in (a Twilio line with nobody signed in goes to the
            // fallback line instead): the caller hangs up while waiting or while it rings.
            assertThat(task.get("reason").asString()).isIn("ABANDONED_IN_QUEUE", "ABANDONED_RINGING");
            twilioApi.resetRequests();

            ConsoleClient.Response taken = operator2.post("/api/callbacks/" + task.get("id").asString() + "/take",
                    null);
            assertThat(taken.status()).as(String.valueOf(taken.body())).isEqualTo(200);
            CallId id = CallId.parse(taken.body().get("dialledCall").asString());
            String ref = "cb-" + id;
            Map<String, String> leg = form(awaitRequest("/Calls.json"));
            assertThat(leg).containsEntry("To", OPERATOR2_PHONE).containsEntry("From", HOTLINE);
            assertThat(leg.values()).noneMatch(v -> v.contains(CALLER));
            twilio.post("/twilio/callback/operator-status?call=" + ref, leg("ringing"));
            JsonNode pop = await(pops, p -> p.get("call").asString().equals(id.toString()), 10);
            assertThat(pop.get("direction").asString()).isEqualTo("CALLBACK");
            assertThat(pop.get("earlierContacts").asInt()).isEqualTo(1);

            twilio.post("/twilio/callback/operator?call=" + ref, leg("in-progress"));
            Map<String, String> person = form(awaitRequest("/Conferences/hotline-" + ref + "/Participants.json"));
            assertThat(person).containsEntry("To", CALLER).containsEntry("From", HOTLINE);
            twilio.post("/twilio/callback/status?call=" + ref, person("in-progress"));
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("TALKING"), 5);
            twilio.post("/twilio/callback/status?call=" + ref, person("completed"));
            twilio.post("/twilio/callback/operator-status?call=" + ref, leg("completed"));
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
            ConsoleClient.Response closed = operator2.post("/api/callbacks/" + task.get("id").asString()
                    + "/outcome", Map.of("outcome", "REACHED"));
            assertThat(closed.status()).as(String.valueOf(closed.body())).isEqualTo(200);
            assertThat(DialledCallbacks.call(hotline, id).outcome()).isEqualTo(CallOutcome.COMPLETED);
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator2")).isEqualTo(1);
        }
    }

    /** "Safe: no" and a withheld number through Twilio: listed as do-not-call, and Twilio is never asked to dial. */
    @Test
    void aCallerWhoSaidNoAndAWithheldNumberAreListedDoNotCallAndTwilioIsNeverAsked() throws Exception {
        ConsoleClient operator2 = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator2)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/callbacks");
            available(live);
            CallId saidNo = hungUpWaiting("+15550100143", "1", "", "1", "2", "1");
            assertThat(DialledCallbacks.call(hotline, saidNo).safeToCallBack()).isFalse();
            JsonNode no = await(queue, t -> t.get("callerMask").asString().endsWith("43"), 10);
            assertThat(no.get("status").asString()).isEqualTo("DO_NOT_CALL");
            CallId withheld = hungUpWaiting("anonymous", "1", "", "1", "1");
            assertThat(DialledCallbacks.call(hotline, withheld).safeToCallBack()).isNull();
            JsonNode hidden = await(queue, t -> t.get("status").asString().equals("DO_NOT_CALL")
                    && !t.get("id").equals(no.get("id")), 10);
            twilioApi.resetRequests();
            for (JsonNode task : List.of(no, hidden)) {
                ConsoleClient.Response refused = operator2.post("/api/callbacks/" + task.get("id").asString()
                        + "/take", null);
                assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(409);
            }
            Thread.sleep(300);
            // A dial-out creates a call or a conference participant. The offer of the caller who hung up while it
            // rang may still be moved to operator2 after the reset (an update of that call, decided on the routing
            // thread): not a dial-out.
            assertThat(twilioApi.findAll(postRequestedFor(urlPathMatching(".*/(Calls|Participants)\\.json"))))
                    .as("no dial-out")
                    .isEmpty();
        }
    }

    private static void available(LiveClient live) throws InterruptedException {
        BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
    }

    /**
     * A caller on the hotline's Twilio number who answers each menu with the given key ("" for silence), is queued
     * and hangs up there (it may have begun to ring at the operator). The menu's own Gather actions are followed, as Twilio would.
     */
    private CallId hungUpWaiting(String from, String... keys) throws Exception {
        String sid = "CA" + String.format("%032x", ++sids + 0x200);
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        call.put("From", from);
        call.put("Caller", from);
        org.w3c.dom.Document twiml = twilio.post("/twilio/voice", call).twiml();
        for (String key : keys) {
            String action = Twiml.text(twiml, "/Response/Gather/@action");
            SignedWebhooks.Reply reply = twilio.post(action, key.isEmpty() ? call : Twiml.with(call, "Digits", key));
            assertThat(reply.status()).as(action + ": " + reply.body()).isEqualTo(200);
            twiml = reply.twiml();
        }
        String queued = Twiml.text(twiml, "/Response/Redirect");
        assertThat(queued).startsWith("/twilio/queued");
        assertThat(twilio.post(queued, call).status()).isEqualTo(200);
        call.put("CallStatus", "completed");
        assertThat(twilio.post("/twilio/status", call).status()).isEqualTo(200);
        return DialledCallbacks.ended(hotline, new CallRef("twilio", sid)).id();
    }

    /** A caller who reached the hotline's Twilio number and hung up: the call a task calls back. */
    private CallId hungUp(String from) throws InterruptedException {
        String sid = "CA" + String.format("%032x", ++sids + 0x100);
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        call.put("From", from);
        call.put("Caller", from);
        assertThat(twilio.post("/twilio/voice", call).status()).isEqualTo(200);
        call.put("CallStatus", "completed");
        assertThat(twilio.post("/twilio/status", call).status()).isEqualTo(200);
        return DialledCallbacks.ended(hotline, new CallRef("twilio", sid)).id();
    }

    private static Map<String, String> leg(String status) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", ACCOUNT);
        form.put("CallSid", OPERATOR_LEG);
        form.put("CallStatus", status);
        form.put("Direction", "outbound-api");
        form.put("From", HOTLINE);
        form.put("To", OPERATOR2_PHONE);
        return form;
    }

    private static Map<String, String> person(String status) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", ACCOUNT);
        form.put("CallSid", "CA" + "0".repeat(31) + "b");
        form.put("CallStatus", status);
        form.put("Direction", "outbound-api");
        form.put("From", HOTLINE);
        form.put("To", CALLER);
        return form;
    }

    private void awaitNotReached(BlockingQueue<JsonNode> updates, CallId id) throws InterruptedException {
        JsonNode ended = await(updates, u -> u.get("call").asString().equals(id.toString())
                && u.get("state").asString().equals("ENDED"), 5);
        assertThat(ended.get("outcome").asString()).isEqualTo("NOT_REACHED");
        assertThat(DialledCallbacks.call(hotline, id).outcome()).isEqualTo(CallOutcome.NOT_REACHED);
    }

    private LoggedRequest only(String resource) {
        List<LoggedRequest> requests = twilioApi.findAll(postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/"
                + ACCOUNT + resource)));
        assertThat(requests).hasSize(1);
        return requests.getFirst();
    }

    private LoggedRequest awaitRequest(String resource) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<LoggedRequest> requests = twilioApi.findAll(postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/"
                    + ACCOUNT + resource)));
            if (!requests.isEmpty()) {
                return requests.getFirst();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Twilio was never asked for " + resource);
    }

    private static Map<String, String> form(LoggedRequest request) {
        return TestTwilio.formFields(request.getBodyAsString());
    }

    private DSLContext db() {
        return hotline.bean(DSLContext.class);
    }
}
