package org.tiphotline.console.asterisk;

import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.telephony.asterisk.testing.FakeAmiPeer.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/** What the Asterisk tests do to a running hotline: a caller over FastAGI, Asterisk's dial events, an operator. */
public final class AsteriskTestCalls {

    private AsteriskTestCalls() {
    }

    /** A caller from a fake number reaching the IVR on this channel. */
    public static FastAgiClient agi(int agiPort, String uniqueId, String channel) {
        org.tiphotline.console.testing.NumberWatch.callerNumber("+15550100142");
        return new FastAgiClient("127.0.0.1", agiPort).env("agi_uniqueid", uniqueId).env("agi_channel", channel)
                .env("agi_callerid", "+15550100142").env("agi_extension", "8765").readTimeout(Duration.ofSeconds(5));
    }

    /**
     * A caller who presses these keys at the IVR's questions in order (language, immediate danger, safe to call
     * back, caller type; "" stays silent), listening to the "cannot speak freely" notice without pressing its key.
     */
    public static FastAgiClient.Script caller(String language, String danger, String safe, String type) {
        return new FastAgiClient.Script().inputs(language, "", danger, safe, type);
    }

    public static void goAvailable(LiveClient live) throws InterruptedException {
        BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
    }

    /** The event types of a call log detail's timeline. */
    public static List<String> types(JsonNode detail) {
        List<String> types = new ArrayList<>();
        detail.get("timeline").forEach(e -> types.add(e.get("type").asString()));
        return types;
    }

    /** DialBegin or DialEnd ({@code status} null for DialBegin) of the caller's Dial to operator1's phone. */
    public static Map<String, String> dial(String name, String caller, String operatorLeg, String status) {
        Map<String, String> e = event(name, "Channel", "PJSIP/hotline-trunk", "Uniqueid", caller, "Linkedid", caller,
                "DestChannel", "PJSIP/operator1-000000" + operatorLeg.substring(operatorLeg.indexOf('.') + 1),
                "DestUniqueid", operatorLeg, "DestLinkedid", caller, "DialString", "operator1");
        if (status != null) {
            e.put("DialStatus", status);
        }
        return e;
    }

    /** Asterisk's Hangup event of a channel. */
    public static Map<String, String> hangup(String channel, String uniqueId) {
        return event("Hangup", "Channel", channel, "Uniqueid", uniqueId, "Linkedid", uniqueId, "Cause", "16",
                "Cause-txt", "Normal Clearing");
    }
}
