package org.tiphotline.calls;

import java.time.Instant;
import java.util.Map;
import org.tiphotline.operators.OperatorId;

/** One entry of a call's append-only timeline. {@code detail} never holds personal data. */
public record CallEvent(int seq, CallEventType type, Instant at, OperatorId operator, Map<String, String> detail) {

    public CallEvent {
        detail = Map.copyOf(detail);
    }

    public String detail(String key) {
        return detail.get(key);
    }
}
