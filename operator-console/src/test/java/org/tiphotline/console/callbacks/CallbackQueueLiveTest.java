package org.tiphotline.console.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.CALL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestDirectory;
import org.tiphotline.operators.Operators;
import tools.jackson.databind.JsonNode;

/**
 * The callback queue through the real HTTP and STOMP stack and the simulated line: a caller who said "safe: yes"
 * and hung up appears live on the operators' topic, an operator takes the task, the dial rings their phone, nobody
 * answers (one attempt), the next dial reaches the caller and the outcome closes the task. A caller who said "no"
 * is listed as do-not-call and taking it dials nothing. The police alerted by the IVR answer see the callback and
 * may ask for it. No response carries the number beyond its mask.
 */
class CallbackQueueLiveTest {

    private static final String SAFE = "+1 555 0100 161";
    private static final String UNSAFE = "+1 555 0100 162";
    private static final List<String> FULL = List.of("5550100161", "0100 161", "5550100162", "0100 162");

    private static RunningHotline hotline;
    private static ConsoleClient operator;
    private static ConsoleClient supervisor;
    private static final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", "+15550100119",
                "WEBHOOK http://127.0.0.1:9/police");
        settings.put("hotline.jurisdiction.time-zone", NoonZone.now());
        hotline = RunningHotline.start(Files.createTempDirectory("cbqueue-live"), settings);
        hotline.bean(Operators.class).createLiaison("police1", "Police Liaison (fake)",
                hotline.bean(PasswordEncoder.class).encode("police1-test"), "test-police");
        operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
        assertThat(answers).isNotEmpty().allSatisfy(body -> assertThat(body).doesNotContain(FULL));
    }

    @Test
    void aCallerWhoSaidSafeYesAndHungUpIsCalledBackFromTheLiveQueue() throws Exception {
        try (LiveClient live = LiveClient.connect(operator); LiveClient watching = LiveClient.connect(supervisor)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/callbacks");
            BlockingQueue<JsonNode> supervisors = watching.subscribe("/topic/callbacks");
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");

            abandonAfterTheSafetyQuestion(SAFE, "YES");
            JsonNode task = await(queue, t -> t.get("callerMask").asString().equals("•••• 61"), 10);
            await(supervisors, t -> t.get("id").equals(task.get("id")), 5);
            assertThat(task.get("status").asString()).isEqualTo("WAITING");
            assertThat(task.get("reason").asString()).isEqualTo("ABANDONED_IN_IVR");
            assertThat(task.get("urgent").asBoolean()).isTrue();
            assertThat(task.hasNonNull("doNotCall")).isFalse();
            String id = task.get("id").asString();
            assertThat(get(operator, "/api/callbacks").body().toString()).contains(id);

            // Taken: the operator's phone rings with a callback pop; nobody answers at the other end.
            JsonNode taken = post(operator, "/api/callbacks/" + id + "/take", null, 200);
            assertThat(taken.get("status").asString()).isEqualTo("TAKEN");
            String dialled = taken.get("dialledCall").asString();
            JsonNode pop = await(pops, p -> p.get("call").asString().equals(dialled), 10);
            assertThat(pop.get("direction").asString()).isEqualTo("CALLBACK");
            String line = pop.get("providerCallId").asString();
            post(operator, "/api/sim/calls/" + line + "/answer", null, 204);
            post(operator, "/api/sim/calls/" + line + "/nobody-answers", null, 204);
            JsonNode afterNoAnswer = await(queue, t -> t.get("id").asString().equals(id)
                    && t.get("attempts").asInt() == 1, 10);
            assertThat(afterNoAnswer.get("status").asString()).isEqualTo("WAITING");
            await(updates, u -> u.get("call").asString().equals(dialled)
                    && u.get("state").asString().equals("ENDED"), 5);

            // Again: this time the caller answers, and the operator records it.
            String second = post(operator, "/api/callbacks/" + id + "/take", null, 200).get("dialledCall").asString();
            String line2 = await(pops, p -> p.get("call").asString().equals(second), 10).get("providerCallId")
                    .asString();
            post(operator, "/api/sim/calls/" + line2 + "/answer", null, 204);
            post(operator, "/api/sim/calls/" + line2 + "/callee-answers", null, 204);
            post(operator, "/api/sim/calls/" + line2 + "/operator-hangup", null, 204);
            assertThat(post(operator, "/api/callbacks/" + id + "/outcome", Map.of("outcome", "SPOKE"), 400)
                    .get("message").asString()).contains("outcome must be one of");
            JsonNode closed = post(operator, "/api/callbacks/" + id + "/outcome", Map.of("outcome", "REACHED"), 200);
            assertThat(closed.get("closedAs").asString()).isEqualTo("REACHED");
            await(queue, t -> t.get("id").asString().equals(id) && t.get("status").asString().equals("CLOSED"), 5);
            assertThat(get(operator, "/api/callbacks").body().toString()).doesNotContain(id);
        }
    }

    @Test
    void aCallerWhoSaidNoIsListedAsDoNotCallAndTakingItDialsNothing() throws Exception {
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/callbacks");
            abandonAfterTheSafetyQuestion(UNSAFE, "NO");
            JsonNode task = await(queue, t -> t.get("callerMask").asString().equals("•••• 62"), 10);
            assertThat(task.get("status").asString()).isEqualTo("DO_NOT_CALL");
            assertThat(task.get("doNotCall").asString()).isEqualTo("SAID_NO");
            int callbacks = db().fetchCount(CALL, CALL.DIRECTION.eq("CALLBACK"));

            JsonNode refused = post(operator, "/api/callbacks/" + task.get("id").asString() + "/take", null, 409);
            assertThat(refused.get("message").asString()).contains("must not be called");
            assertThat(db().fetchCount(CALL, CALL.DIRECTION.eq("CALLBACK"))).as("no dial-out").isEqualTo(callbacks);
            assertThat(post(operator, "/api/callbacks/not-an-id/take", null, 400).get("message").asString())
                    .contains("UUID");
            assertThat(post(operator, "/api/callbacks/" + java.util.UUID.randomUUID() + "/take", null, 404)
                    .get("message").asString()).contains("no callback task");
        }
    }

    @Test
    void thePoliceAlertedByTheMenuSeeTheCallbackAndMayAskForItButNeverTheNumber() throws Exception {
        ConsoleClient police = ConsoleClient.login(hotline.base(), "police1", "police1-test");
        String call = abandonAfterTheSafetyQuestion("+1 555 0100 163", "YES");
        String escalation = null;
        for (int i = 0; i < 50 && escalation == null; i++) {
            for (JsonNode e : get(police, "/api/liaison/escalations").body()) {
                if (call.equals(e.get("call").asString())) {
                    escalation = e.get("id").asString();
                }
            }
            Thread.sleep(100);
        }
        assertThat(escalation).as("the IVR answer alerted the police").isNotNull();
        JsonNode route = get(police, "/api/liaison/escalations/" + escalation + "/callback").body();
        assertThat(route.get("exists").asBoolean()).isTrue();
        assertThat(route.get("status").asString()).isEqualTo("WAITING");
        assertThat(route.get("canRequest").asBoolean()).isTrue();
        assertThat(route.toString()).doesNotContain("•••• 63");

        JsonNode asked = post(police, "/api/liaison/escalations/" + escalation + "/callback", null, 200);
        assertThat(asked.get("requested").asBoolean()).isTrue();
        assertThat(asked.get("canRequest").asBoolean()).isFalse();
        JsonNode listed = null;
        for (JsonNode t : get(operator, "/api/callbacks").body()) {
            if (t.get("callerMask").asString().equals("•••• 63")) {
                listed = t;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("requestedBy").asString()).isEqualTo("test-police");
        assertThat(listed.get("urgent").asBoolean()).isTrue();
        // Another agency's user, or an operator, does not reach this view.
        assertThat(operator.get("/api/liaison/escalations/" + escalation + "/callback").status()).isEqualTo(403);
    }

    /** A simulated caller answers the menu up to "is it safe to call you back?" and hangs up there. */
    private static String abandonAfterTheSafetyQuestion(String number, String safe) {
        JsonNode placed = post(operator, "/api/sim/calls", Map.of("callerNumber", number, "language", "en",
                "immediateDanger", "YES", "safeToCallBack", safe, "stayInIvr", true), 201);
        String line = placed.get("providerCallId").asString();
        post(operator, "/api/sim/calls/" + line + "/caller-hangup", null, 204);
        return placed.get("call").asString();
    }

    private static ConsoleClient.Response get(ConsoleClient who, String path) {
        ConsoleClient.Response r = who.get(path);
        answers.add(String.valueOf(r.body()));
        assertThat(r.status()).as("GET " + path).isEqualTo(200);
        return r;
    }

    private static JsonNode post(ConsoleClient who, String path, Object body, int status) {
        ConsoleClient.Response r = who.post(path, body);
        answers.add(String.valueOf(r.body()));
        assertThat(r.status()).as("POST " + path + ": " + r.body()).isEqualTo(status);
        return r.body();
    }

    private static DSLContext db() {
        return hotline.bean(DSLContext.class);
    }
}
