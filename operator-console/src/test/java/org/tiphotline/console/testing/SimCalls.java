package org.tiphotline.console.testing;

import static org.tiphotline.console.testing.LiveClient.await;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import tools.jackson.databind.JsonNode;

/** Calls on the simulated line, driven the way the console drives them. */
public final class SimCalls {

    private SimCalls() {
    }

    /**
     * The operator goes available, a simulated call with these IVR answers ({@code POST /api/sim/calls}) rings at
     * them and they answer it; returns the screen pop (call and report ids).
     */
    public static JsonNode answered(ConsoleClient operator, Map<String, Object> call) throws Exception {
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
            JsonNode pop = ringing(live, operator, call);
            operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/answer", null);
            await(updates, u -> u.get("state").asString().equals("TALKING"), 5);
            return pop;
        }
    }

    /**
     * The operator goes available over their live link and a simulated call with these IVR answers rings at them;
     * returns the screen pop (call, report and provider call ids).
     */
    public static JsonNode ringing(LiveClient live, ConsoleClient operator, Map<String, Object> call)
            throws Exception {
        BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
        BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
        operator.post("/api/sim/calls", call);
        return await(pops, p -> true, 10);
    }
}
