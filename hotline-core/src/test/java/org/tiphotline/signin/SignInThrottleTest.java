package org.tiphotline.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tiphotline.signin.SignInThrottle.Verdict;
import org.tiphotline.testing.MutableClock;

/** The throttle's arithmetic on a clock the test moves: no sleeping. */
class SignInThrottleTest {

    private static final String HOME = "198.51.100.7";
    private static final String OTHER = "203.0.113.9";

    private final MutableClock clock = new MutableClock();

    /**
     * Accounts: 3 free, first delay 1s doubling to 8s, lock at 6 for 15m; addresses: 4 free, lock at 10; counts
     * forgotten after 1h.
     */
    private final SignInThrottle throttle = new SignInThrottle(
            new SignInSettings(3, Duration.ofSeconds(1), Duration.ofSeconds(8), 6, Duration.ofMinutes(15), 4, 10,
                    Duration.ofHours(1), 100, 5), clock);

    @Test
    void theFreeTriesCostNothingThenEachFailureDoublesTheWait() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.waitFor("testoperator", HOME)).isEmpty();
            assertThat(throttle.failed("testoperator", HOME)).isEqualTo(Verdict.FAILED);
        }
        assertThat(throttle.waitFor("testoperator", HOME)).isEmpty();
        throttle.failed("testoperator", HOME);
        assertThat(throttle.waitFor("testoperator", HOME)).contains(Duration.ofSeconds(1));
        // The address has had 4 failures, all free for an address: another name from there does not wait.
        assertThat(throttle.waitFor("someoneelse", HOME)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.waitFor("testoperator", HOME)).isEmpty();
        throttle.failed("testoperator", HOME);
        assertThat(throttle.waitFor("testoperator", HOME)).contains(Duration.ofSeconds(2));
        // The same name from elsewhere waits as long: the account is what is throttled.
        assertThat(throttle.waitFor("TestOperator", OTHER)).contains(Duration.ofSeconds(2));
        assertThat(throttle.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(throttle.delay(10)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void enoughFailuresLockTheAccountForItsTimeEvenForTheRightPassword() {
        Verdict last = null;
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(10));
            last = throttle.failed("testoperator", addressNumber(i));
        }
        assertThat(last).isEqualTo(Verdict.LOCKED_OUT);
        assertThat(throttle.waitFor("testoperator", "192.0.2.200")).contains(Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(14));
        assertThat(throttle.waitFor("testoperator", "192.0.2.200")).contains(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.waitFor("testoperator", "192.0.2.200")).isEmpty();
        // One more failure after the lock ends locks it again at once.
        assertThat(throttle.failed("testoperator", "192.0.2.200")).isEqualTo(Verdict.LOCKED_OUT);
    }

    @Test
    void oneAddressTryingManyNamesIsLockedAcrossThem() {
        for (int i = 0; i < 9; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(throttle.failed("guess" + i, HOME)).isEqualTo(Verdict.FAILED);
        }
        assertThat(throttle.failed("guess9", HOME)).isEqualTo(Verdict.LOCKED_OUT);
        // A name never tried from there is refused too, while another address may still try it.
        assertThat(throttle.waitFor("testsupervisor", HOME)).contains(Duration.ofMinutes(15));
        assertThat(throttle.waitFor("testsupervisor", OTHER)).isEmpty();
    }

    @Test
    void aSuccessClearsTheAccountButNotTheAddress() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("testoperator", HOME);
        }
        throttle.succeeded("testoperator");
        assertThat(throttle.waitFor("testoperator", OTHER)).isEmpty();
        // The address's five failures stand (4 free): another name from there waits.
        assertThat(throttle.waitFor("someoneelse", HOME)).contains(Duration.ofSeconds(1));
    }

    @Test
    void anOldCountIsForgotten() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("testoperator", HOME);
        }
        clock.advance(Duration.ofHours(1));
        assertThat(throttle.waitFor("testoperator", HOME)).isEmpty();
        assertThat(throttle.failed("testoperator", HOME)).isEqualTo(Verdict.FAILED);
        assertThat(throttle.waitFor("testoperator", HOME)).isEqualTo(Optional.empty());
    }

    private static String addressNumber(int i) {
        return "192.0.2." + (10 + i);
    }
}
