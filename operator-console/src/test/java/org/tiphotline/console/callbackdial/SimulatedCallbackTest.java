package org.tiphotline.console.callbackdial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CALL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallState;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.DialledCallbacks;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * A callback on the simulated line, end to end through the real HTTP and STOMP stack: the operator's phone rings
 * with a CALLBACK pop counting the caller's earlier contacts, they pick up, the person called answers (or nobody
 * does), and the outcome is stored. The number is decrypted once per dial, audited in the operator's name, and
 * never shown by the line's listing nor written to the log; a withheld number is never dialled.
 */
@ExtendWith(OutputCaptureExtension.class)
class SimulatedCallbackTest {

    private static final String NUMBER = "+1 555 0100 187";
    private static final String DIGITS = "15550100187";

    private static Path data;
    private static RunningHotline hotline;
    private static ConsoleClient operator;
    private static CallId earlier;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("cbdial-sim");
        hotline = RunningHotline.start(data);
        operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        // The same caller called twice and hung up in the IVR both times.
        earlier = abandoned(NUMBER);
        abandoned(NUMBER.replace(" ", ""));
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    @Test
    void theCalleeAnswersAndItIsACallLikeAnyOther(CapturedOutput log) throws Exception {
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
            int readsBefore = DialledCallbacks.numberReads(hotline, earlier, "operator");
            // Every call from the number so far: the two it made, and the callbacks other tests made to it.
            int contacts = db().fetchCount(CALL, CALL.CALLER_HASH.eq(
                    db().select(CALL.CALLER_HASH).from(CALL).where(CALL.ID.eq(earlier.value()))));
            assertThat(contacts).isGreaterThanOrEqualTo(2);

            CallId id = DialledCallbacks.dial(hotline, earlier, "operator");

            JsonNode pop = await(pops, p -> p.get("call").asString().equals(id.toString()), 10);
            assertThat(pop.get("direction").asString()).isEqualTo("CALLBACK");
            assertThat(pop.get("earlierContacts").asInt()).isEqualTo(contacts);
            assertThat(pop.get("callerMask").asString()).isEqualTo("•••• 87");
            assertThat(pop.get("report").isNull()).isFalse();
            String line = pop.get("providerCallId").asString();

            ConsoleClient.Response listing = operator.get("/api/sim/calls");
            assertThat(listing.body().toString()).contains(line).doesNotContain(DIGITS).doesNotContain("0100 187");

            // The person is rung only once the operator picked up.
            assertThat(operator.post("/api/sim/calls/" + line + "/callee-answers", null).status()).isEqualTo(409);
            assertThat(operator.post("/api/sim/calls/" + line + "/answer", null).status()).isEqualTo(204);
            assertThat(call(id).state()).isEqualTo(CallState.RINGING);
            assertThat(operator.post("/api/sim/calls/" + line + "/callee-answers", null).status()).isEqualTo(204);
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("TALKING"), 5);

            assertThat(operator.post("/api/sim/calls/" + line + "/operator-hangup", null).status()).isEqualTo(204);
            JsonNode ended = await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
            assertThat(ended.get("outcome").asString()).isEqualTo("COMPLETED");

            Call stored = call(id);
            assertThat(stored.direction()).isEqualTo(CallDirection.CALLBACK);
            assertThat(stored.outcome()).isEqualTo(CallOutcome.COMPLETED);
            assertThat(stored.events().getFirst().detail("earlierCall")).isEqualTo(earlier.toString());
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator")).isEqualTo(readsBefore + 1);
            assertThat(db().fetchCount(AUDIT_LOG, AUDIT_LOG.ACTION.eq("READ"), AUDIT_LOG.ENTITY.eq("call"),
                    AUDIT_LOG.ACTOR.ne("operator"), AUDIT_LOG.FIELDS.contains(new String[] {"caller_number"})))
                    .isZero();
            // The new call keeps no copy of the number: it stays encrypted with the call it came from.
            assertThat(db().fetchValue(CALL.CALLER_NUMBER_ENC, CALL.ID.eq(id.value()))).isNull();
        }
        assertThat(log.getAll()).doesNotContain(DIGITS).doesNotContain("0100 187");
    }

    @Test
    void nobodyAnswersAndTheCallIsNotReached() throws Exception {
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
            int readsBefore = DialledCallbacks.numberReads(hotline, earlier, "operator");

            CallId id = DialledCallbacks.dial(hotline, earlier, "operator");
            String line = await(pops, p -> p.get("call").asString().equals(id.toString()), 10)
                    .get("providerCallId").asString();
            // Ringing for a callback, the operator is offered nothing else and cannot dial a second one.
            assertThatThrownBy(() -> DialledCallbacks.dial(hotline, earlier, "operator"))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(operator.post("/api/sim/calls/" + line + "/answer", null).status()).isEqualTo(204);
            assertThat(operator.post("/api/sim/calls/" + line + "/nobody-answers", null).status()).isEqualTo(204);

            JsonNode ended = await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
            assertThat(ended.get("outcome").asString()).isEqualTo("NOT_REACHED");
            assertThat(call(id).outcome()).isEqualTo(CallOutcome.NOT_REACHED);
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator")).isEqualTo(readsBefore + 1);
            // The operator is free again: a later callback is dialled.
            CallId next = DialledCallbacks.dial(hotline, earlier, "operator");
            String nextLine = await(pops, p -> p.get("call").asString().equals(next.toString()), 10)
                    .get("providerCallId").asString();
            assertThat(operator.post("/api/sim/calls/" + nextLine + "/nobody-answers", null).status()).isEqualTo(204);
            await(updates, u -> u.get("call").asString().equals(next.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
        }
    }

    @Test
    void aWithheldNumberIsNeverDialled() throws Exception {
        CallId withheld = abandoned("");
        int callbacks = db().fetchCount(CALL, CALL.DIRECTION.eq("CALLBACK"));
        int reads = DialledCallbacks.numberReads(hotline, earlier, "operator");

        assertThatThrownBy(() -> DialledCallbacks.dial(hotline, withheld, "operator"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withheld");

        assertThat(db().fetchCount(CALL, CALL.DIRECTION.eq("CALLBACK"))).isEqualTo(callbacks);
        assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator")).isEqualTo(reads);
        assertThat(db().fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq(withheld.toString()))).isZero();
    }

    private static CallId abandoned(String number) {
        ConsoleClient.Response placed = operator.post("/api/sim/calls",
                Map.of("callerNumber", number, "language", "en", "stayInIvr", true));
        assertThat(placed.status()).isEqualTo(201);
        String line = placed.body().get("providerCallId").asString();
        assertThat(operator.post("/api/sim/calls/" + line + "/caller-hangup", null).status()).isEqualTo(204);
        return new CallId(UUID.fromString(placed.body().get("call").asString()));
    }

    private static Call call(CallId id) {
        return DialledCallbacks.call(hotline, id);
    }

    private static DSLContext db() {
        return hotline.bean(DSLContext.class);
    }
}
