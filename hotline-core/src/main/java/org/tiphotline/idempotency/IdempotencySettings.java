package org.tiphotline.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a key answers with its first result, and how a duplicate behaves while the first is still running.
 *
 * @param window how long after the first request a repeat with the same key gets the first result
 * @param duplicateWait how long a concurrent duplicate waits for the first request's answer before it is told to
 *     retry
 * @param abandonedAfter a first request still unanswered this long is taken for lost (its node stopped mid-way),
 *     so its key can be used again; far longer than any create takes
 */
@ConfigurationProperties("hotline.idempotency")
record IdempotencySettings(@DefaultValue("24h") Duration window, @DefaultValue("10s") Duration duplicateWait,
        @DefaultValue("2m") Duration abandonedAfter) {

    IdempotencySettings {
        if (window.isNegative() || window.isZero() || duplicateWait.isNegative()
                || abandonedAfter.compareTo(duplicateWait) <= 0) {
            throw new IllegalArgumentException("hotline.idempotency: the window must be longer than zero and "
                    + "abandoned-after longer than the duplicate wait");
        }
    }
}
