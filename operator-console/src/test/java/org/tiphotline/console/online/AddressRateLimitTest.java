package org.tiphotline.console.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The limiter's arithmetic without a server: windows, the wait it announces, /64 grouping, bounded memory. */
class AddressRateLimitTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-03-03T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @Test
    void anAddressGetsItsAllowanceThenWaitsUntilItsWindowEnds() {
        AddressRateLimit limit = new AddressRateLimit(2, Duration.ofMinutes(10), 100, clock);
        assertThat(limit.attempt("192.0.2.1")).isEmpty();
        now.set(now.get().plusSeconds(60));
        assertThat(limit.attempt("192.0.2.1")).isEmpty();
        assertThat(limit.attempt("192.0.2.1")).contains(Duration.ofMinutes(9));
        assertThat(limit.attempt("192.0.2.2")).as("another address has its own window").isEmpty();

        now.set(now.get().plus(Duration.ofMinutes(9)));
        assertThat(limit.attempt("192.0.2.1")).as("a new window").isEmpty();
    }

    @Test
    void ipv6AddressesOfOneSlash64ShareAWindow() {
        AddressRateLimit limit = new AddressRateLimit(1, Duration.ofMinutes(10), 100, clock);
        assertThat(limit.attempt("2001:db8:1:2::1")).isEmpty();
        assertThat(limit.attempt("2001:db8:1:2:ffff:ffff:ffff:fffe")).isPresent();
        assertThat(limit.attempt("2001:db8:1:3::1")).isEmpty();
        assertThat(AddressRateLimit.key("2001:db8:1:2::1")).isEqualTo("20010db800010002::/64");
    }

    @Test
    void theTableNeverHoldsMoreThanItsCapacityAndForgetsExpiredWindows() {
        AddressRateLimit limit = new AddressRateLimit(1, Duration.ofMinutes(10), 3, clock);
        for (int i = 1; i <= 50; i++) {
            limit.attempt("198.51.100." + i);
            assertThat(limit.tracked()).isLessThanOrEqualTo(3);
        }
        assertThat(limit.attempt("198.51.100.50")).as("the newest are remembered").isPresent();
        now.set(now.get().plus(Duration.ofMinutes(10)));
        limit.attempt("203.0.113.1");
        assertThat(limit.tracked()).isEqualTo(1);
    }
}
