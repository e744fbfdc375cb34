package org.tiphotline.console.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until the test moves it, for the whole application ({@link RunningHotline#start(
 * java.nio.file.Path, java.util.Map, Clock)}): deadlines of minutes are then reached by moving it, not by
 * waiting, and one instance can outlive a stop and a start like the wall clock outlives a server. Thread-safe.
 */
public final class TestClock extends Clock {

    /**
     * A fixed instant well in the past: anything that still read the system clock would find every deadline
     * set from this one long passed, and give itself away.
     */
    public static final Instant DEFAULT_START = Instant.parse("2025-03-03T10:00:00Z");

    private volatile Instant now;

    public TestClock(Instant start) {
        this.now = start;
    }

    public TestClock() {
        this(DEFAULT_START);
    }

    public void set(Instant instant) {
        now = instant;
    }

    public synchronized Instant advance(Duration by) {
        now = now.plus(by);
        return now;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is always UTC");
    }
}
