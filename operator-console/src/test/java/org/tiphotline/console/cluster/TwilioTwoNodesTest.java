package org.tiphotline.console.cluster;

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
import static org.tiphotline.console.twilio.Twiml.count;
import static org.tiphotline.console.twilio.Twiml.text;
import static org.tiphotline.console.twilio.Twiml.with;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.DialledCallbacks;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.console.twilio.SignedWebhooks;
import org.tiphotline.telephony.TelephonyPorts;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes of one hotline on one Twilio number, as behind a load balancer: every webhook of a call may reach
 * either node (Twilio's retry or its fallback URL the other one), every command may be given on either, and one
 * WireMock stands in for Twilio's REST API for both. Webhooks are signed as Twilio signs them, for the public URL.
 *
 * <p>Routing state is still each node's own here (moved to PostgreSQL in a parallel branch): the operator is made
 * available on the node that hears the call's {@code /queued}, so that node's router offers the call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwilioTwoNodesTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "1";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.test";
    /** Node B's own address, where the number's fallback URL points (ops/twilio.md). */
    private static final String NODE_B = "https://node-b.hotline.example.test";
    private static final String CALLER = "+15550100142";
    private static final String HOTLINE = "+15550100000";
    private static final String OPERATOR2_PHONE = "+15550100777";
    private static final String CALLBACK_LEG = "CA" + "0".repeat(31) + "a";
    private static final String PERSON_LEG = "CA" + "0".repeat(31) + "b";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Path dataA;
    private Path dataB;
    private WireMockServer twilioApi;
    private RunningHotline a;
    private RunningHotline b;
    private SignedWebhooks toA;
    private SignedWebhooks toB;
    private int sids;

    @BeforeAll
    void start() throws Exception {
        dataA = Files.createTempDirectory("twilio-node-a");
        dataB = Files.createTempDirectory("twilio-node-b");
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        String account = "/2010-04-01/Accounts/" + ACCOUNT;
        twilioApi.stubFor(post(urlPathEqualTo(account + "/Calls.json")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\": \"" + CALLBACK_LEG + "\", \"status\": \"queued\"}")));
        twilioApi.stubFor(post(urlPathMatching(account + "/Calls/CA[0-9a-f]{32}\\.json"))
                .willReturn(okJson("{\"status\": \"in-progress\"}")));
        twilioApi.stubFor(post(urlPathMatching(account + "/Conferences/.+/Participants\\.json"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"call_sid\": \"" + PERSON_LEG + "\", \"status\": \"queued\"}")));
        twilioApi.stubFor(get(urlPathEqualTo(account + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        Map<String, String> settings = SignedWebhooks.settings(ACCOUNT, TOKEN, PUBLIC, twilioApi.port(),
                "+15550100911");
        settings.put("hotline.telephony.twilio.api-key-sid", "SK" + "0".repeat(31) + "2");
        settings.put("hotline.telephony.twilio.api-key-secret", "test-only-api-key-secret-0123456789");
        settings.put("hotline.telephony.twilio.operator-phones.operator2", OPERATOR2_PHONE);
        settings.put("hotline.telephony.twilio.other-base-urls", NODE_B);
        // Inside the safe hours for calling back, whatever the machine's hour.
        settings.put("hotline.jurisdiction.time-zone", org.tiphotline.console.callbacks.NoonZone.now());
        Map<String, String> first = new LinkedHashMap<>(settings);
        first.put("hotline.cluster.node", "first");
        a = RunningHotline.start(dataA, first);
        b = RunningHotline.secondNode(a, dataB, settings);
        toA = new SignedWebhooks(a.base(), PUBLIC, TOKEN);
        toB = new SignedWebhooks(b.base(), PUBLIC, TOKEN);
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        twilioApi.stop();
    }

    /**
     * One call whose webhooks alternate between the nodes from arrival to hang-up: the record has every step once,
     * in order, and the outcome a single node would have stored.
     */
    @Test
    void aCallWhoseWebhooksAlternateBetweenTheNodesHasOneCompleteRecord() throws Exception {
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(b.base(), "operator", "operator-demo"))) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            available(live);
            String sid = newCallSid();
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            assertThat(text(toA.post("/twilio/voice", call).twiml(), "/Response/Gather/@action"))
                    .isEqualTo("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en");
            assertThat(text(toB.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1")).twiml(),
                    "/Response/Gather[2]/@action")).isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en");
            assertThat(text(toA.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(call, "Digits", "2"))
                    .twiml(), "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en");
            toB.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en", with(call, "Digits", "1"));
            assertThat(text(toA.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(call, "Digits", "1"))
                    .twiml(), "/Response/Redirect")).isEqualTo("/twilio/queued?lang=en");
            // Node B hears the queueing; the operator is available there (see the class comment).
            assertThat(text(toB.post("/twilio/queued?lang=en", call).twiml(), "/Response/Redirect"))
                    .isEqualTo("/twilio/wait?round=1");

            String url = form(awaitRequest(".*/Calls/" + sid + "\\.json", 1)).get("Url");
            assertThat(url).startsWith(PUBLIC + "/twilio/connect?operator=");
            String operatorId = url.substring(url.indexOf("operator=") + "operator=".length());
            Document dial = toA.post(url.substring(PUBLIC.length()), with(call, "CallStatus", "in-progress")).twiml();
            assertThat(text(dial, "/Response/Dial/@action")).isEqualTo("/twilio/dial-done?operator=" + operatorId);

            String leg = newCallSid();
            Map<String, String> legForm = legOf(sid, leg);
            toB.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "ringing"));
            assertThat(await(pops, p -> p.get("providerCallId").asString().equals(sid), 5)).isNotNull();
            toA.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "in-progress"));
            Document bye = toB.post("/twilio/dial-done?operator=" + operatorId, with(with(with(call, "CallStatus",
                    "in-progress"), "DialCallStatus", "completed"), "DialCallSid", leg)).twiml();
            assertThat(count(bye, "/Response/Hangup")).isEqualTo(1);
            assertThat(toA.post("/twilio/status", with(call, "CallStatus", "completed")).status()).isEqualTo(200);

            Call stored = DialledCallbacks.ended(a, new CallRef("twilio", sid));
            assertThat(stored.events()).extracting(CallEvent::type).containsExactly(CallEventType.ARRIVED,
                    CallEventType.IVR_ANSWER, CallEventType.IVR_ANSWER, CallEventType.IVR_ANSWER,
                    CallEventType.IVR_ANSWER, CallEventType.QUEUED, CallEventType.OFFERED, CallEventType.RINGING,
                    CallEventType.ANSWERED, CallEventType.ENDED);
            assertThat(stored.outcome()).isEqualTo(CallOutcome.COMPLETED);
            assertThat(stored.events().getLast().detail("by")).isEqualTo("operator");
            assertThat(stored.language()).isEqualTo("en");
            assertThat(stored.urgent()).isFalse();
            assertThat(stored.safeToCallBack()).isTrue();
            assertThat(stored.operator().value()).isEqualTo(Long.parseLong(operatorId));
            assertThat(b.bean(Calls.class).load(stored.id()).orElseThrow().events()).as("both nodes read one record")
                    .hasSameSizeAs(stored.events());
        }
    }

    /**
     * A transfer given on node A for a call whose operator answered through node B, with every webhook of the
     * escalation on node B and Twilio's retry of the line's answer on node A: the caller follows into the
     * conference, the police line is dialled once and the operator let go once.
     */
    @Test
    void aTransferStartedOnOneNodeIsCarriedThroughByWebhooksOnTheOther() throws Exception {
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(b.base(), "operator", "operator-demo"))) {
            transfer(talking(live));
        }
    }

    private void transfer(Talking t) throws Exception {
        a.bean(TelephonyPorts.class).of("twilio").transfer(new CallRef("twilio", t.sid()), "5550100119");
        assertThat(form(awaitRequest(".*/Calls/" + t.leg() + "\\.json", 1))).containsEntry("Url", PUBLIC
                + "/twilio/conference?call=" + t.sid() + "&role=operator");
        awaitRequest(".*/Conferences/hotline-" + t.sid() + "/Participants\\.json", 1);
        // A second escalation asked on the other node while this one is under way is refused.
        assertThatThrownBy(() -> b.bean(TelephonyPorts.class).of("twilio").conference(new CallRef("twilio",
                t.sid()), "5550100119")).isInstanceOf(IllegalStateException.class).hasMessageContaining("under way");

        Document follows = toB.post("/twilio/dial-done?operator=" + t.operatorId(), with(with(t.form(),
                "DialCallStatus", "completed"), "DialCallSid", t.leg())).twiml();
        assertThat(text(follows, "/Response/Dial/Conference")).as("the caller follows the operator")
                .isEqualTo("hotline-" + t.sid());
        assertThat(text(toB.post("/twilio/conference?call=" + t.sid() + "&role=operator",
                SignedWebhooks.call(t.leg(), ACCOUNT)).twiml(), "/Response/Dial/Conference"))
                .isEqualTo("hotline-" + t.sid());
        String police = newCallSid();
        Map<String, String> answered = with(SignedWebhooks.call(police, ACCOUNT), "CallStatus", "in-progress");
        toB.post("/twilio/escalation-status?call=" + t.sid() + "&mode=transfer", answered);
        toA.post("/twilio/escalation-status?call=" + t.sid() + "&mode=transfer", answered);

        assertThat(form(awaitRequest(".*/Calls/" + t.leg() + "\\.json", 2))).containsEntry("Status", "completed");
        Call stored = DialledCallbacks.ended(a, new CallRef("twilio", t.sid()));
        assertThat(stored.events()).extracting(CallEvent::type).endsWith(CallEventType.ANSWERED,
                CallEventType.ESCALATED, CallEventType.TRANSFERRED, CallEventType.ENDED);
        assertThat(stored.outcome()).isEqualTo(CallOutcome.TRANSFERRED);
        Thread.sleep(300);
        assertThat(requests(".*/Conferences/hotline-" + t.sid() + "/Participants\\.json"))
                .as("the police line dialled once").hasSize(1);
        assertThat(requests(".*/Calls/" + t.leg() + "\\.json")).as("the operator moved, then let go, once each")
                .hasSize(2);
    }

    /**
     * A conference whose joins and leaves are reported to both nodes in turn: while the operator is in it the
     * caller stays, and once the operator and the police line have both left, the caller is not kept on hold.
     */
    @Test
    void aConferenceReportedToBothNodesEndsTheCallerLeftAlone() throws Exception {
        try (LiveClient live = LiveClient.connect(ConsoleClient.login(b.base(), "operator", "operator-demo"))) {
            conference(talking(live));
        }
    }

    private void conference(Talking t) throws Exception {
        b.bean(TelephonyPorts.class).of("twilio").conference(new CallRef("twilio", t.sid()), "5550100119");
        awaitRequest(".*/Conferences/hotline-" + t.sid() + "/Participants\\.json", 1);
        String police = newCallSid();
        toA.post("/twilio/escalation-status?call=" + t.sid() + "&mode=conference",
                with(SignedWebhooks.call(police, ACCOUNT), "CallStatus", "in-progress"));
        List<SignedWebhooks> nodes = List.of(toA, toB, toA);
        List<String> who = List.of(t.sid(), t.leg(), police);
        for (int i = 0; i < 3; i++) {
            nodes.get(i).post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(who.get(i),
                    ACCOUNT), "StatusCallbackEvent", "participant-join"));
        }
        toB.post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(police, ACCOUNT),
                "StatusCallbackEvent", "participant-leave"));
        Thread.sleep(300);
        assertThat(requests(".*/Calls/" + t.sid() + "\\.json")).as("caller and operator still talk").hasSize(1);
        toA.post("/twilio/conference-status?call=" + t.sid(), with(SignedWebhooks.call(t.leg(), ACCOUNT),
                "StatusCallbackEvent", "participant-leave"));
        assertThat(form(awaitRequest(".*/Calls/" + t.sid() + "\\.json", 2))).containsEntry("Status", "completed");
        assertThat(DialledCallbacks.call(a, a.bean(Calls.class).idOf(new CallRef("twilio", t.sid())).orElseThrow())
                .events()).extracting(CallEvent::type).endsWith(CallEventType.ANSWERED, CallEventType.ESCALATED);
        // Twilio then reports the caller's call over, to the node whose router holds the operator.
        toB.post("/twilio/status", with(t.form(), "CallStatus", "completed"));
        assertThat(DialledCallbacks.ended(b, new CallRef("twilio", t.sid())).outcome())
                .isEqualTo(CallOutcome.COMPLETED);
    }

    /**
     * A callback dialled from node A whose operator answers through node B: node B dials the person (the number
     * it never saw), and the status callbacks, split between the nodes, leave one complete record.
     */
    @Test
    void aCallbackDialledOnOneNodeReachesThePersonThroughTheOther() throws Exception {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        toA.post("/twilio/voice", call);
        toB.post("/twilio/status", with(call, "CallStatus", "completed"));
        CallId earlier = DialledCallbacks.ended(a, new CallRef("twilio", sid)).id();

        CallId id = DialledCallbacks.dial(a, earlier, "operator2");
        String ref = "cb-" + id;
        awaitRequest(".*/Accounts/" + ACCOUNT + "/Calls\\.json", 1);
        assertThat(toB.post("/twilio/callback/operator-status?call=" + ref, callbackLeg("ringing")).status())
                .isEqualTo(200);
        SignedWebhooks.Reply twiml = toB.post("/twilio/callback/operator?call=" + ref, callbackLeg("in-progress"));
        assertThat(text(twiml.twiml(), "/Response/Dial/Conference")).isEqualTo("hotline-" + ref);
        assertThat(twiml.body()).doesNotContain(CALLER.substring(2));
        Map<String, String> person = form(awaitRequest(".*/Conferences/hotline-" + ref + "/Participants\\.json", 1));
        assertThat(person).containsEntry("To", CALLER).containsEntry("From", HOTLINE)
                .containsEntry("StatusCallback", PUBLIC + "/twilio/callback/status?call=" + ref);
        // Twilio's retry of the operator's answer, on the other node, dials nobody again.
        toA.post("/twilio/callback/operator?call=" + ref, callbackLeg("in-progress"));

        toA.post("/twilio/callback/status?call=" + ref, personLeg("in-progress"));
        toB.post("/twilio/callback/status?call=" + ref, personLeg("completed"));
        toA.post("/twilio/callback/operator-status?call=" + ref, callbackLeg("completed"));
        Call stored = DialledCallbacks.ended(a, new CallRef("twilio", ref));
        assertThat(stored.outcome()).isEqualTo(CallOutcome.COMPLETED);
        assertThat(stored.events()).extracting(CallEvent::type).containsExactly(CallEventType.ARRIVED,
                CallEventType.OFFERED, CallEventType.RINGING, CallEventType.ANSWERED, CallEventType.ENDED);
        assertThat(stored.events().getLast().detail("by")).isEqualTo("caller");
        Thread.sleep(300);
        assertThat(requests(".*/Conferences/hotline-" + ref + "/Participants\\.json")).as("the person dialled once")
                .hasSize(1);
        assertThat(requests(".*/Calls/" + CALLBACK_LEG + "\\.json")).as("the operator's leg hung up for them")
                .hasSize(1);
    }

    /** Each delivery of a call sent to both nodes at the same moment, as a retry to the fallback might: one record. */
    @Test
    void theSameDeliveryReachingBothNodesAtOnceIsStoredOnce() throws Exception {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        both("/twilio/voice", call);
        both("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1"));
        both("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(call, "Digits", "1"));
        both("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(call, "Digits", "1"));
        both("/twilio/status", with(call, "CallStatus", "completed"));

        Call stored = DialledCallbacks.ended(a, new CallRef("twilio", sid));
        assertThat(stored.events()).extracting(CallEvent::type).containsExactly(CallEventType.ARRIVED,
                CallEventType.IVR_ANSWER, CallEventType.IVR_ANSWER, CallEventType.ABANDONED);
        assertThat(stored.urgent()).isTrue();
        assertThat(a.bean(org.jooq.DSLContext.class).fetchCount(org.tiphotline.db.Tables.CALL,
                org.tiphotline.db.Tables.CALL.PROVIDER_CALL_ID.eq(sid))).isEqualTo(1);
    }

    /**
     * Behind the balancer both nodes check the signature against the configured public address, whatever Host and
     * X-Forwarded-* headers the request carries; the fallback URL at node B's own address is accepted too; a
     * signature over the node's internal address is not.
     */
    @Test
    void bothNodesCheckTheSignatureAgainstThePublicAddressWhateverTheForwardedHeaders() throws Exception {
        for (RunningHotline node : List.of(a, b)) {
            Map<String, String> call = SignedWebhooks.call(newCallSid(), ACCOUNT);
            assertThat(raw(node, "/twilio/voice", call, SignedWebhooks.sign(TOKEN, PUBLIC + "/twilio/voice", call)))
                    .as("signed for the public URL").isEqualTo(200);
            Map<String, String> fallback = with(with(SignedWebhooks.call(newCallSid(), ACCOUNT), "ErrorCode",
                    "11200"), "ErrorUrl", PUBLIC + "/twilio/voice");
            assertThat(raw(node, "/twilio/fallback", fallback, SignedWebhooks.sign(TOKEN, NODE_B + "/twilio/fallback",
                    fallback))).as("the fallback URL at node B's own address").isEqualTo(200);
            Map<String, String> internal = SignedWebhooks.call(newCallSid(), ACCOUNT);
            assertThat(raw(node, "/twilio/voice", internal, SignedWebhooks.sign(TOKEN, node.base() + "/twilio/voice",
                    internal))).as("signed for the node's internal address").isEqualTo(403);
            Map<String, String> forwarded = SignedWebhooks.call(newCallSid(), ACCOUNT);
            assertThat(raw(node, "/twilio/voice", forwarded, SignedWebhooks.sign(TOKEN,
                    "https://forged.example.test/twilio/voice", forwarded))).as("signed for the forwarded host")
                    .isEqualTo(403);
        }
    }

    // ---- helpers ----

    /** A Twilio call an operator talks on: answered through node B, the operator available there. */
    private record Talking(String sid, String leg, String operatorId, Map<String, String> form) {}

    private Talking talking(LiveClient live) throws Exception {
        BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
        available(live);
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        toA.post("/twilio/voice", call);
        toA.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1"));
        toA.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(call, "Digits", "1"));
        toA.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en", with(call, "Digits", "1"));
        toA.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(call, "Digits", "1"));
        toB.post("/twilio/queued?lang=en", call);
        String url = form(awaitRequest(".*/Calls/" + sid + "\\.json", 1)).get("Url");
        String operatorId = url.substring(url.indexOf("operator=") + "operator=".length());
        toA.post(url.substring(PUBLIC.length()), with(call, "CallStatus", "in-progress"));
        String leg = newCallSid();
        Map<String, String> legForm = legOf(sid, leg);
        toA.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "ringing"));
        toB.post("/twilio/operator-status?operator=" + operatorId, with(legForm, "CallStatus", "in-progress"));
        await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
        return new Talking(sid, leg, operatorId, with(call, "CallStatus", "in-progress"));
    }

    private static void available(LiveClient live) throws InterruptedException {
        BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
    }

    /** Posts the same signed webhook to both nodes at once; both must answer 200. */
    private void both(String path, Map<String, String> form) throws Exception {
        try (ExecutorService two = Executors.newFixedThreadPool(2)) {
            List<Future<SignedWebhooks.Reply>> replies = two.invokeAll(List.<Callable<SignedWebhooks.Reply>>of(
                    () -> toA.post(path, form), () -> toB.post(path, form)));
            for (Future<SignedWebhooks.Reply> reply : replies) {
                assertThat(reply.get().status()).as(path + ": " + reply.get().body()).isEqualTo(200);
            }
        }
    }

    /** A webhook as a load balancer forwards it: the node's own Host, and X-Forwarded-* naming another. */
    private static int raw(RunningHotline node, String path, Map<String, String> form, String signature)
            throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .header("X-Forwarded-Host", "forged.example.test")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Port", "443")
                .header("X-Forwarded-For", "203.0.113.7")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Map<String, String> legOf(String parent, String leg) {
        Map<String, String> form = new LinkedHashMap<>(SignedWebhooks.call(leg, ACCOUNT));
        form.put("ParentCallSid", parent);
        form.put("Direction", "outbound-dial");
        return form;
    }

    private static Map<String, String> callbackLeg(String status) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", ACCOUNT);
        form.put("CallSid", CALLBACK_LEG);
        form.put("CallStatus", status);
        form.put("Direction", "outbound-api");
        form.put("From", HOTLINE);
        form.put("To", OPERATOR2_PHONE);
        return form;
    }

    private static Map<String, String> personLeg(String status) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", ACCOUNT);
        form.put("CallSid", PERSON_LEG);
        form.put("CallStatus", status);
        form.put("Direction", "outbound-api");
        form.put("From", HOTLINE);
        form.put("To", CALLER);
        return form;
    }

    private List<LoggedRequest> requests(String pathPattern) {
        return twilioApi.findAll(postRequestedFor(urlPathMatching(pathPattern)));
    }

    /** The nth request (1-based) to a REST path, once it has been made. */
    private LoggedRequest awaitRequest(String pathPattern, int nth) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<LoggedRequest> found = requests(pathPattern);
            if (found.size() >= nth) {
                return found.get(nth - 1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no request " + nth + " to " + pathPattern);
    }

    private static Map<String, String> form(LoggedRequest request) {
        return TestTwilio.formFields(request.getBodyAsString());
    }

    private synchronized String newCallSid() {
        return String.format("CA%032x", ++sids + 0x2a0d35L * 1_000_000L);
    }
}
