package org.tiphotline.console.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * "Every Twilio webhook replayed 1-3 times in random order: 0 duplicates, final states right." First 24 calls
 * go through their whole webhook sequence once, in order (four kinds: hang-up in the IVR, hang-up while queued,
 * answered and ended by the operator, answered and ended by the caller); each call's sequence is recorded. Then
 * the same 24 sequences, on new CallSids, are delivered with every request repeated 1-3 times and shuffled:
 *
 * <ul>
 *   <li>The documents Twilio fetches to run the call (voice, each Gather's action, queued, connect, the Dial's
 *       action) go out in the call's order the first time: Twilio asks for the next one only once it has the
 *       previous answer. {@code /connect} only once the adapter asked Twilio's API to move the call there.
 *   <li>Status callbacks (the operator leg's ringing and answered, the caller's final status) are sent when their
 *       event happened and may then be held back any time: they overtake each other and arrive after later
 *       documents, even after the call ended.
 *   <li>Every repeat (a retry, a duplicate) comes at any moment after its original.
 * </ul>
 *
 * <p>Seed: {@code -DtwilioReplay.seed=...}.
 */
class TwilioWebhookReplayTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "1";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.test";
    private static final long SEED = Long.getLong("twilioReplay.seed", 20261122L);
    private static final int CALLS = 24;
    private static final List<String> KINDS = List.of("ivr-hangup", "queue-hangup", "operator-ends", "caller-ends");

    @TempDir
    Path data;

    private WireMockServer twilioApi;
    private RunningHotline hotline;
    private SignedWebhooks twilio;
    private long sids = 0x7000;
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final List<String> invalid = new ArrayList<>();

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

    /** One webhook of a call: a document Twilio fetches in order, or a status callback it may hold back. */
    private record Hook(String name, boolean callback, Supplier<String> path, Supplier<Map<String, String>> form) {}

    /** A call's webhooks; the operator the core chose is only known once the adapter moved the call. */
    private final class Script {
        final String kind;
        final String sid = newCallSid();
        final String leg = newCallSid();
        String operator;
        final List<Hook> hooks = new ArrayList<>();

        Script(String kind) {
            this.kind = kind;
            Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
            Map<String, String> talking = with(call, "CallStatus", "in-progress");
            Map<String, String> legForm = with(with(SignedWebhooks.call(leg, ACCOUNT), "ParentCallSid", sid),
                    "Direction", "outbound-dial");
            doc("voice", "/twilio/voice", call);
            switch (kind) {
                case "ivr-hangup" -> {
                    doc("ivr LANGUAGE", "/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(talking, "Digits", "2"));
                    callback("status completed", () -> "/twilio/status", with(call, "CallStatus", "completed"));
                }
                case "queue-hangup" -> {
                    // French: nobody signed in speaks it, so the call waits (the language wait is 30 s).
                    ivr(talking, "fr", "3", "2", "1", "2");
                    doc("queued", "/twilio/queued", talking);
                    callback("status completed", () -> "/twilio/status", with(call, "CallStatus", "completed"));
                }
                default -> {
                    ivr(talking, "en", "1", "2", "1", "1");
                    doc("queued", "/twilio/queued", talking);
                    hooks.add(new Hook("connect", false, () -> "/twilio/connect?operator=" + operator,
                            () -> talking));
                    callback("operator ringing", () -> "/twilio/operator-status?operator=" + operator,
                            with(legForm, "CallStatus", "ringing"));
                    callback("operator answered", () -> "/twilio/operator-status?operator=" + operator,
                            with(legForm, "CallStatus", "in-progress"));
                    Map<String, String> done = with(with(kind.equals("caller-ends") ? with(call, "CallStatus",
                            "completed") : talking, "DialCallStatus", "completed"), "DialCallSid", leg);
                    hooks.add(new Hook("dial-done", false, () -> "/twilio/dial-done?operator=" + operator,
                            () -> with(done, "DialCallDuration", "42")));
                    callback("status completed", () -> "/twilio/status", with(call, "CallStatus", "completed"));
                }
            }
        }

        private void ivr(Map<String, String> talking, String lang, String language, String danger, String safe,
                String type) {
            doc("ivr LANGUAGE", "/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(talking, "Digits", language));
            doc("ivr IMMEDIATE_DANGER", "/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=" + lang,
                    with(talking, "Digits", danger));
            doc("ivr SAFE_TO_CALL_BACK", "/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=" + lang,
                    with(talking, "Digits", safe));
            doc("ivr CALLER_TYPE", "/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=" + lang, with(talking, "Digits", type));
        }

        private void doc(String name, String path, Map<String, String> form) {
            hooks.add(new Hook(name, false, () -> path, () -> form));
        }

        private void callback(String name, Supplier<String> path, Map<String, String> form) {
            hooks.add(new Hook(name, true, path, () -> form));
        }

        /** Sends one delivery; /connect first waits for the adapter to move the call there. */
        void deliver(Hook hook) {
            if (hook.name().equals("connect") && operator == null) {
                String url = awaitMove(sid);
                operator = url.substring(url.indexOf("operator=") + "operator=".length());
            }
            SignedWebhooks.Reply reply = twilio.post(hook.path().get(), hook.form().get());
            synchronized (statuses) {
                statuses.merge(reply.status(), 1, Integer::sum);
                if (reply.status() >= 500) {
                    invalid.add(sid + " " + hook.name() + ": " + reply.status() + " " + reply.body());
                } else if (reply.status() < 300) {
                    if (!reply.twiml().getDocumentElement().getNodeName().equals("Response")) {
                        invalid.add(sid + " " + hook.name() + ": not TwiML: " + reply.body());
                    }
                } else if (reply.status() >= 300 && reply.status() < 400) {
                    invalid.add(sid + " " + hook.name() + ": " + reply.status());
                }
            }
        }
    }

    @Test
    void everyWebhookReplayedOneToThreeTimesInRandomOrderIsStoredOnceWithTheSameFinalState() throws Exception {
        System.out.println("Twilio replay: seed " + SEED + " (-DtwilioReplay.seed to change), calls " + CALLS);
        Random random = new Random(SEED);
        AtomicBoolean running = new AtomicBoolean(true);
        List<LiveClient> clients = new ArrayList<>();
        try {
            for (String[] op : new String[][] {{"operator", "operator-demo"}, {"operator2", "operator2-demo"}}) {
                LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), op[0], op[1]));
                clients.add(live);
                BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
                Thread.ofPlatform().daemon().name("agent-" + op[0]).start(() -> agent(live, presence, running));
            }

            // In order, once each.
            List<Script> inOrder = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                Script script = new Script(KINDS.get(i % KINDS.size()));
                inOrder.add(script);
                script.hooks.forEach(script::deliver);
                awaitEnded(script.sid);
            }
            int inOrderRequests = inOrder.stream().mapToInt(s -> s.hooks.size()).sum();

            // Replayed: the same sequences on new calls, each request 1-3 times, shuffled within the rules above.
            List<Script> replayed = new ArrayList<>();
            int deliveries = 0;
            for (int i = 0; i < CALLS; i++) {
                Script script = new Script(KINDS.get(i % KINDS.size()));
                replayed.add(script);
                List<Hook> schedule = shuffled(script.hooks, random);
                deliveries += schedule.size();
                schedule.forEach(script::deliver);
                awaitEnded(script.sid);
            }

            DSLContext db = hotline.bean(DSLContext.class);
            Map<String, Integer> records = new TreeMap<>();
            for (Record r : db.fetch("select provider_call_id, count(*) from hotline.call where provider = 'twilio' "
                    + "group by provider_call_id")) {
                records.put(r.get(0, String.class), r.get(1, Integer.class));
            }
            int duplicates = 0;
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                Map<String, Object> expected = finalState(db, inOrder.get(i).sid);
                Map<String, Object> actual = finalState(db, replayed.get(i).sid);
                if (!expected.equals(actual)) {
                    differences.add(replayed.get(i).kind + " " + replayed.get(i).sid + ": in order " + expected
                            + ", replayed " + actual);
                }
                @SuppressWarnings("unchecked")
                Map<String, Long> counts = (Map<String, Long>) actual.get("events");
                @SuppressWarnings("unchecked")
                Map<String, Long> once = (Map<String, Long>) expected.get("events");
                for (var e : counts.entrySet()) {
                    // An event type the in-order call never had is a different final state, counted above.
                    long expectedCount = once.getOrDefault(e.getKey(), 0L);
                    duplicates += expectedCount == 0 ? 0 : (int) Math.max(0, e.getValue() - expectedCount);
                }
            }
            long missing = replayed.stream().filter(s -> !records.containsKey(s.sid)).count()
                    + inOrder.stream().filter(s -> !records.containsKey(s.sid)).count();
            System.out.println("Twilio replay: in order " + inOrderRequests + " requests; replayed " + deliveries
                    + " deliveries of " + inOrderRequests + " requests; responses by status " + statuses);
            differences.forEach(d -> System.out.println("Twilio replay: DIFFERENT " + d));
            invalid.forEach(d -> System.out.println("Twilio replay: INVALID " + d));
            String result = "Twilio replays: " + deliveries + " deliveries, calls: " + CALLS + ", records: "
                    + replayed.stream().filter(s -> records.containsKey(s.sid)).count() + ", duplicates: "
                    + duplicates + ", final states different: " + differences.size() + ", 5xx: "
                    + statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(Map.Entry::getValue).sum()
                    + " — ";
            boolean pass = duplicates == 0 && differences.isEmpty() && invalid.isEmpty() && missing == 0
                    && records.size() == 2 * CALLS && records.values().stream().allMatch(n -> n == 1);
            System.out.println(result + (pass ? "PASS" : "FAIL"));

            assertThat(records).as("one record per CallSid").hasSize(2 * CALLS).allSatisfy((sid, n) ->
                    assertThat(n).isEqualTo(1));
            assertThat(missing).isZero();
            assertThat(invalid).as("responses neither 2xx TwiML nor 4xx").isEmpty();
            assertThat(differences).as("final states that differ from the in-order run").isEmpty();
            assertThat(duplicates).as("events stored more often than in the in-order run").isZero();
            // The in-order run itself ended each kind of call as it should.
            for (int i = 0; i < KINDS.size(); i++) {
                Map<String, Object> state = finalState(db, inOrder.get(i).sid);
                assertThat(state.get("outcome")).as(KINDS.get(i) + " " + state).isEqualTo(switch (KINDS.get(i)) {
                    case "ivr-hangup" -> "ABANDONED_IN_IVR";
                    case "queue-hangup" -> "ABANDONED_IN_QUEUE";
                    default -> "COMPLETED";
                });
            }
        } finally {
            running.set(false);
            clients.forEach(LiveClient::close);
        }
    }

    /**
     * Every hook 1-3 times. Documents go out first in order; a status callback joins the held-back pool when its
     * event happened (right after the document before it); every repeat joins the pool after its original. Before
     * each document, and at the end, a random part of the pool is delivered in random order.
     */
    static List<Hook> shuffled(List<Hook> hooks, Random random) {
        List<Hook> schedule = new ArrayList<>();
        List<Hook> pool = new ArrayList<>();
        for (Hook hook : hooks) {
            int copies = 1 + random.nextInt(3);
            if (hook.callback()) {
                for (int c = 0; c < copies; c++) {
                    pool.add(hook);
                }
                continue;
            }
            java.util.Collections.shuffle(pool, random);
            int release = random.nextInt(pool.size() + 1);
            for (int r = 0; r < release; r++) {
                schedule.add(pool.removeFirst());
            }
            schedule.add(hook);
            for (int c = 1; c < copies; c++) {
                pool.add(hook);
            }
        }
        java.util.Collections.shuffle(pool, random);
        schedule.addAll(pool);
        return schedule;
    }

    /** State, outcome, IVR path and how often each event type is in the timeline. */
    private static Map<String, Object> finalState(DSLContext db, String sid) {
        Record call = db.fetchOne("select id, state, outcome, language, urgent, caller_type from hotline.call "
                + "where provider = 'twilio' and provider_call_id = ?", sid);
        Map<String, Object> state = new LinkedHashMap<>();
        if (call == null) {
            state.put("record", "missing");
            return state;
        }
        state.put("state", call.get(1, String.class));
        state.put("outcome", call.get(2, String.class));
        state.put("language", call.get(3, String.class));
        state.put("urgent", call.get(4, Boolean.class));
        state.put("callerType", call.get(5, String.class));
        Map<String, Long> events = new TreeMap<>();
        for (Record e : db.fetch("select type, count(*) from hotline.call_event where call_id = ? group by type",
                call.get(0))) {
            events.put(e.get(0, String.class), e.get(1, Long.class));
        }
        state.put("events", events);
        return state;
    }

    private void awaitEnded(String sid) throws InterruptedException {
        DSLContext db = hotline.bean(DSLContext.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if ("ENDED".equals(db.fetchValue("select state from hotline.call where provider = 'twilio' "
                    + "and provider_call_id = ?", sid))) {
                return;
            }
            Thread.sleep(20);
        }
        // Not a failure here: the final-state comparison says what is wrong.
    }

    /** The Url the adapter asked Twilio's API to move the call to. */
    private String awaitMove(String sid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            var requests = twilioApi.findAll(postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + ACCOUNT
                    + "/Calls/" + sid + ".json")));
            for (var request : requests) {
                String url = form(request.getBodyAsString()).get("Url");
                if (url != null && url.startsWith(PUBLIC + "/twilio/connect?")) {
                    return url;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the adapter never moved call " + sid + " to an operator");
    }

    /** Back to available after every call (no report to write here) and after a missed offer. */
    private static void agent(LiveClient live, BlockingQueue<JsonNode> presence, AtomicBoolean running) {
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        while (running.get()) {
            try {
                JsonNode next = presence.poll(100, TimeUnit.MILLISECONDS);
                if (next != null && Set.of("WRAP_UP", "AWAY").contains(next.get("presence").asString())) {
                    live.send("/app/presence", Map.of("presence", "AVAILABLE"));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The STOMP session closing at the end of the test.
            }
        }
    }

    private String newCallSid() {
        return "CA" + String.format("%032x", sids++);
    }

    private static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(form);
        copy.put(name, value);
        return copy;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
