package org.tiphotline.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.RECOVERY_CODE;
import static org.tiphotline.db.Tables.TOTP_FACTOR;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.MutableClock;

/** Authenticator-app codes against a fixed clock, recovery codes and the reset, on a real PostgreSQL. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class SecondFactorsTest {

    private static final AtomicInteger USERS = new AtomicInteger();
    /** Mid-step, so one step either side is unambiguous. */
    private static final Instant NOW = Instant.parse("2025-03-03T10:00:10Z");

    @Autowired
    private SecondFactors factors;
    @Autowired
    private TotpCodes totp;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;

    private String user;

    @BeforeEach
    void start() {
        clock.set(NOW);
        user = "factortest" + USERS.incrementAndGet();
        operators.create(user, "Testsuper Fakename", "{noop}unused", Role.SUPERVISOR, List.of("en"), null);
    }

    /** Enrols an app and returns its secret and the recovery codes. */
    private Enrolled enrol() {
        SecondFactors.TotpEnrolment started = factors.startTotp(user, "Test Hotline");
        List<String> codes = factors.confirmTotp(user, totp.codeAt(started.secret(), totp.stepNow()));
        return new Enrolled(started.secret(), codes);
    }

    private record Enrolled(String secret, List<String> recoveryCodes) {}

    @Test
    void aCodeOfTheCurrentStepIsAcceptedOnce() {
        Enrolled app = enrol();
        clock.advance(Duration.ofSeconds(30));
        String code = totp.codeAt(app.secret(), totp.stepNow());
        assertThat(factors.verifyTotp(user, code)).isTrue();
        assertThat(factors.verifyTotp(user, code)).as("the same code again (a replay)").isFalse();
    }

    @Test
    void aCodeOfTheStepBeforeIsStillAcceptedButNotOlder() {
        Enrolled app = enrol();
        clock.advance(Duration.ofMinutes(5));
        long now = totp.stepNow();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), now - 2))).as("expired: a minute old")
                .isFalse();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), now + 2))).as("a minute ahead").isFalse();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), now - 1))).as("30 s of drift").isTrue();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), now - 1))).isFalse();
    }

    @Test
    void aCodeOlderThanTheLastAcceptedOneIsRefusedEvenIfInTheWindow() {
        Enrolled app = enrol();
        clock.advance(Duration.ofMinutes(1));
        long now = totp.stepNow();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), now))).isTrue();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), now - 1))).isFalse();
    }

    @Test
    void theCodeThatConfirmedEnrolmentCannotSignIn() {
        SecondFactors.TotpEnrolment started = factors.startTotp(user, "Test Hotline");
        String code = totp.codeAt(started.secret(), totp.stepNow());
        assertThat(factors.confirmTotp(user, code)).hasSize(10);
        assertThat(factors.verifyTotp(user, code)).isFalse();
    }

    @Test
    void wrongOrMalformedCodesAreRefusedAndAWrongConfirmationChangesNothing() {
        SecondFactors.TotpEnrolment started = factors.startTotp(user, "Test Hotline");
        String right = totp.codeAt(started.secret(), totp.stepNow());
        String wrong = String.format("%06d", (Integer.parseInt(right) + 1) % 1_000_000);
        assertThat(factors.confirmTotp(user, wrong)).isEmpty();
        assertThat(factors.hasFactor(user)).isFalse();
        assertThat(factors.verifyTotp(user, right)).as("an unconfirmed app signs nobody in").isFalse();
        for (String bad : new String[] {"", "12345", "1234567", "abcdef", null}) {
            assertThat(factors.verifyTotp(user, bad)).isFalse();
        }
        assertThat(factors.confirmTotp(user, right)).hasSize(10);
        assertThat(factors.hasFactor(user)).isTrue();
        assertThatThrownBy(() -> factors.startTotp(user, "Test Hotline"))
                .isInstanceOf(SecondFactors.AlreadyEnrolledException.class);
    }

    @Test
    void theSecretIsEncryptedAtRestAndTheEnrolmentAudited() {
        Enrolled app = enrol();
        byte[] stored = db.select(TOTP_FACTOR.SECRET).from(TOTP_FACTOR).join(org.tiphotline.db.Tables.APP_USER)
                .on(org.tiphotline.db.Tables.APP_USER.ID.eq(TOTP_FACTOR.USER_ID))
                .where(org.tiphotline.db.Tables.APP_USER.USERNAME.eq(user)).fetchSingle(TOTP_FACTOR.SECRET);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(app.secret());
        assertThat(db.select(AUDIT_LOG.FIELDS).from(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("second_factor"))
                .and(AUDIT_LOG.ENTITY_ID.eq(user)).and(AUDIT_LOG.ACTOR.eq(user)).and(AUDIT_LOG.ACTION.eq("CREATE"))
                .fetch(r -> List.of(r.value1()))).containsExactlyInAnyOrder(List.of("totp"),
                List.of("recovery_codes"));
        assertThat(db.fetch("select * from hotline.audit_log where entity_id = ?", user).formatCSV())
                .doesNotContain(app.secret());
    }

    @Test
    void eachRecoveryCodeWorksOnceAndIsStoredHashed() {
        Enrolled app = enrol();
        assertThat(app.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
        String stored = db.fetch("select r.* from hotline.recovery_code r join hotline.app_user u on u.id = r.user_id"
                + " where u.username = ?", user).formatCSV();
        for (String code : app.recoveryCodes()) {
            assertThat(stored).doesNotContain(code).doesNotContain(code.replace("-", ""));
        }
        for (String code : app.recoveryCodes()) {
            assertThat(factors.useRecoveryCode(user, code.toLowerCase())).as(code).isTrue();
            assertThat(factors.useRecoveryCode(user, code)).as(code + " again").isFalse();
        }
        assertThat(factors.recoveryCodesLeft(user)).isZero();
        assertThat(factors.useRecoveryCode(user, "AAAA-BBBB-CCCC")).isFalse();
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq(user),
                AUDIT_LOG.FIELDS.contains(new String[] {"recovery_code_used"}))).isEqualTo(10);
    }

    @Test
    void aRecoveryCodeOfAnotherUserDoesNotWork() {
        Enrolled app = enrol();
        String other = user;
        start();
        enrol();
        assertThat(factors.useRecoveryCode(user, app.recoveryCodes().get(0))).isFalse();
        assertThat(factors.useRecoveryCode(other, app.recoveryCodes().get(0))).isTrue();
    }

    @Test
    void anAdministratorsResetRemovesEveryFactorAndIsAudited() {
        Enrolled app = enrol();
        assertThat(factors.reset("admin", user)).isTrue();
        assertThat(factors.hasFactor(user)).isFalse();
        assertThat(factors.recoveryCodesLeft(user)).isZero();
        assertThat(factors.useRecoveryCode(user, app.recoveryCodes().get(1))).isFalse();
        assertThat(db.fetchCount(RECOVERY_CODE.join(org.tiphotline.db.Tables.APP_USER)
                .on(org.tiphotline.db.Tables.APP_USER.ID.eq(RECOVERY_CODE.USER_ID)),
                org.tiphotline.db.Tables.APP_USER.USERNAME.eq(user))).isZero();
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq(user), AUDIT_LOG.ACTOR.eq("admin"),
                AUDIT_LOG.ACTION.eq("CHANGE"), AUDIT_LOG.FIELDS.contains(new String[] {"factors_reset"})))
                .isEqualTo(1);
        assertThat(factors.reset("admin", "nosuchuser")).isFalse();
        // After a reset the user can enrol a new app.
        enrol();
        assertThat(factors.hasTotp(user)).isTrue();
    }

    @Test
    void fiveWrongCodesInARowLockCodesForFifteenMinutes() {
        Enrolled app = enrol();
        clock.advance(Duration.ofMinutes(1));
        String right = totp.codeAt(app.secret(), totp.stepNow());
        String wrong = String.format("%06d", (Integer.parseInt(right) + 1) % 1_000_000);
        for (int i = 0; i < SecondFactors.MAX_FAILURES; i++) {
            assertThat(factors.isLocked(user)).isFalse();
            assertThat(factors.verifyTotp(user, wrong)).isFalse();
        }
        assertThat(factors.isLocked(user)).isTrue();
        assertThat(factors.verifyTotp(user, right)).as("the right code, while locked").isFalse();
        assertThat(factors.useRecoveryCode(user, app.recoveryCodes().get(0))).as("a recovery code, while locked")
                .isFalse();
        clock.advance(SecondFactors.LOCKED_FOR.plusSeconds(1));
        assertThat(factors.isLocked(user)).isFalse();
        assertThat(factors.verifyTotp(user, totp.codeAt(app.secret(), totp.stepNow()))).isTrue();
        assertThat(factors.useRecoveryCode(user, app.recoveryCodes().get(0))).isTrue();
    }

    @Test
    void aRightCodeStartsTheCountOfWrongOnesAgain() {
        Enrolled app = enrol();
        for (int round = 0; round < 3; round++) {
            clock.advance(Duration.ofMinutes(1));
            String right = totp.codeAt(app.secret(), totp.stepNow());
            String wrong = String.format("%06d", (Integer.parseInt(right) + 1) % 1_000_000);
            for (int i = 0; i < SecondFactors.MAX_FAILURES - 1; i++) {
                assertThat(factors.verifyTotp(user, wrong)).isFalse();
            }
            assertThat(factors.verifyTotp(user, right)).isTrue();
        }
        assertThat(factors.isLocked(user)).isFalse();
    }
}
