package org.tiphotline.signin;

import static org.assertj.core.api.Assertions.assertThat;

import static org.tiphotline.db.Tables.SIGN_IN_THROTTLE;

import java.time.Duration;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import org.tiphotline.cluster.ClusterSettings;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.signin.SignInThrottle.Verdict;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * The throttle's arithmetic on a clock the test moves (no sleeping), its counts in the real PostgreSQL table, and
 * two nodes' throttles on the one database counting together.
 */
class SignInThrottleTest {

    private static final String HOME = "198.51.100.7";
    private static final String OTHER = "203.0.113.9";

    private final MutableClock clock = new MutableClock();

    /**
     * Accounts: 3 free, first delay 1s doubling to 8s, lock at 6 for 15m; addresses: 4 free, lock at 10; counts
     * forgotten after 1h.
     */
    private static final SignInSettings SETTINGS = new SignInSettings(3, Duration.ofSeconds(1),
            Duration.ofSeconds(8), 6, Duration.ofMinutes(15), 4, 10, Duration.ofHours(1), Duration.ofMinutes(10), 5);

    private final DSLContext db = DSL.using(TestDatabase.get().dataSource(), SQLDialect.POSTGRES);
    private final SignInThrottle throttle = node();

    private SignInThrottle node() {
        ApplicationEventPublisher nobody = event -> { };
        return new SignInThrottle(SETTINGS, clock, db, new Leadership(TestDatabase.get().dataSource(), nobody,
                new ClusterSettings("test", Duration.ofSeconds(1), Duration.ofSeconds(2))));
    }

    @BeforeEach
    void noCountsYet() {
        db.deleteFrom(SIGN_IN_THROTTLE).execute();
    }

    @Test
    void twoNodesCountTogetherSoAlternatingGainsNoTry() {
        SignInThrottle other = node();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat((i % 2 == 0 ? throttle : other).failed("testoperator", addressNumber(i)))
                    .isEqualTo(Verdict.FAILED);
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(other.failed("testoperator", addressNumber(5))).as("the sixth failure, on either node")
                .isEqualTo(Verdict.LOCKED_OUT);
        assertThat(throttle.waitFor("testoperator", OTHER)).contains(Duration.ofMinutes(15));
        assertThat(other.waitFor("testoperator", OTHER)).contains(Duration.ofMinutes(15));
    }

    @Test
    void countsThatMeanNothingAnyMoreAreDeletedLockedOnesKept() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("testoperator", HOME);
        }
        throttle.failed("someoneelse", OTHER);
        clock.advance(Duration.ofHours(1));
        // The lock (15 min) has ended: both accounts' and both addresses' rows go.
        assertThat(throttle.forget()).isEqualTo(4);
        assertThat(db.fetchCount(SIGN_IN_THROTTLE)).isZero();
    }

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
