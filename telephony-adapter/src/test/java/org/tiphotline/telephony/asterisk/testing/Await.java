package org.tiphotline.telephony.asterisk.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits, bounded, for something another thread does (an AMI reconnection, a check after it). */
public final class Await {

    private static final Duration LIMIT = Duration.ofSeconds(15);

    private Await() {}

    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + LIMIT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
