package org.tiphotline.console.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * A supervisor on a call of the simulated line (the demo's phone line), through the real HTTP and STOMP stack: the
 * line's own listing shows them in the call with their mode, as a PBX's channel list would; the timeline records
 * each start and stop; a call that ended is refused in words; the operator's console is told, or not, as
 * {@code hotline.supervision.show-operator} says.
 */
class SimulatedSupervisionTest {

    @TempDir
    Path data;

    private RunningHotline hotline;

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void theSupervisorShowsInTheSimulatedCallUntilTheyLeaveAndTheEndedCallIsRefused() throws Exception {
        hotline = RunningHotline.start(data);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        long supervisorId = idOf(supervisor, "Demo Supervisor");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> told = live.subscribe("/user/queue/supervision");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
            JsonNode pop = SimCalls.ringing(live, operator, Map.of("callerNumber", "+1 555 0100 161", "language", "en"));
            String call = pop.get("call").asString();
            String sim = pop.get("providerCallId").asString();
            assertThat(supervisor.get("/api/supervision/calls/" + call).body().get("talking").asBoolean()).isFalse();
            ConsoleClient.Response ringing = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN"));
            assertThat(ringing.status()).isEqualTo(409);
            assertThat(ringing.body().get("message").asString()).contains("ringing at an operator, not answered yet");

            operator.post("/api/sim/calls/" + sim + "/answer", null);
            await(updates, u -> u.get("state").asString().equals("TALKING"), 5);
            assertThat(supervisors(operator, sim)).isEmpty();

            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN")).status())
                    .isEqualTo(200);
            assertThat(supervisors(operator, sim)).containsExactly(supervisorId + ":LISTEN");
            JsonNode listening = await(told, t -> t.path("mode").asString("").equals("LISTEN"), 5);
            assertThat(listening.get("words").asString()).isEqualTo("Your supervisor is listening");
            assertThat(listening.get("supervisor").asString()).isEqualTo("Demo Supervisor");

            // The same mode again changes nothing; another mode replaces the first.
            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN")).status())
                    .isEqualTo(200);
            ConsoleClient.Response join = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "JOIN"));
            assertThat(join.body().get("mode").asString()).isEqualTo("JOIN");
            assertThat(supervisors(operator, sim)).containsExactly(supervisorId + ":JOIN");
            // What a page opened again reads: this call, in the mode it is in now.
            JsonNode mine = supervisor.get("/api/supervision/mine").body();
            assertThat(mine).hasSize(1);
            assertThat(mine.get(0).get("call").asString()).isEqualTo(call);
            assertThat(mine.get(0).get("mode").asString()).isEqualTo("JOIN");
            assertThat(await(told, t -> t.path("mode").asString("").equals("JOIN"), 5).get("words").asString())
                    .isEqualTo("Your supervisor is on the call");

            assertThat(supervisor.delete("/api/supervision/calls/" + call).body().hasNonNull("mode")).isFalse();
            assertThat(supervisors(operator, sim)).isEmpty();
            assertThat(supervisor.get("/api/supervision/mine").body()).isEmpty();
            await(told, t -> !t.hasNonNull("mode"), 5);

            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "WHISPER")).status())
                    .isEqualTo(200);
            assertThat(supervisors(operator, sim)).containsExactly(supervisorId + ":WHISPER");
            operator.post("/api/sim/calls/" + sim + "/operator-hangup", null);
            await(updates, u -> u.get("state").asString().equals("ENDED"), 5);
            assertThat(supervisor.get("/api/supervision/mine").body()).as("the call over takes them off it").isEmpty();

            ConsoleClient.Response over = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN"));
            assertThat(over.status()).isEqualTo(409);
            assertThat(over.body().get("message").asString()).isEqualTo("the call is over: a supervisor can listen "
                    + "in only while an operator is talking with the caller");
            // Their leg ended with the call: nothing to stop, and the answer says they are not on it.
            assertThat(supervisor.delete("/api/supervision/calls/" + call).body().hasNonNull("mode")).isFalse();

            List<String> timeline = new ArrayList<>();
            for (JsonNode e : supervisor.get("/api/calllog/" + call).body().get("timeline")) {
                if (e.get("type").asString().startsWith("SUPERVIS")) {
                    timeline.add(e.get("type").asString() + ":" + e.get("detail").get("mode").asString());
                }
            }
            assertThat(timeline).containsExactly("SUPERVISED:LISTEN", "SUPERVISION_ENDED:LISTEN", "SUPERVISED:JOIN",
                    "SUPERVISION_ENDED:JOIN", "SUPERVISED:WHISPER");
        }
    }

    @Test
    void withShowOperatorOffTheOperatorIsNotToldButTheTimelineStillIs() throws Exception {
        hotline = RunningHotline.start(data, Map.of("hotline.supervision.show-operator", "false"));
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> told = live.subscribe("/user/queue/supervision");
            String call = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 162", "language", "en"))
                    .get("call").asString();
            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN")).status())
                    .isEqualTo(200);
            assertThat(supervisor.get("/api/supervision/calls/" + call).body().get("mode").asString())
                    .isEqualTo("LISTEN");
            assertThat(told.poll(1500, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    /** The line's own listing of its call: each supervisor bridged in, as id:mode. */
    private static List<String> supervisors(ConsoleClient anyone, String sim) {
        List<String> on = new ArrayList<>();
        for (JsonNode c : anyone.get("/api/sim/calls").body()) {
            if (c.get("providerCallId").asString().equals(sim)) {
                c.get("supervisors").forEach(s -> on.add(s.get("supervisor").asLong() + ":" + s.get("mode").asString()));
            }
        }
        return on;
    }

    private static long idOf(ConsoleClient supervisor, String name) {
        for (JsonNode o : supervisor.get("/api/operators").body()) {
            if (o.get("name").asString().equals(name)) {
                return o.get("id").asLong();
            }
        }
        throw new AssertionError("no user named " + name);
    }
}
