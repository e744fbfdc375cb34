package org.tiphotline.factors;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.RECOVERY_CODE;
import static org.tiphotline.db.Tables.TOTP_FACTOR;
import static org.tiphotline.db.Tables.USER_CREDENTIALS;
import static org.tiphotline.db.Tables.USER_ENTITIES;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.accounts.Account;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.AuditTrail.Action;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.KeyedHash;
import org.tiphotline.protection.ReferenceCodes;

/**
 * A user's second factors as stored: enrolling an authenticator app, checking its codes, one-time recovery codes,
 * and an administrator's reset. Every enrolment, recovery-code use and reset is an audit row (never a secret).
 */
@Service
public class SecondFactors {

    /** Where an audit row about someone's factors points: the user, by name. */
    public static final String AUDIT_ENTITY = "second_factor";
    static final int RECOVERY_CODES = 10;
    /** Wrong codes in a row before codes are refused for a while: a six-digit code must not be guessable. */
    static final int MAX_FAILURES = 5;
    static final Duration LOCKED_FOR = Duration.ofMinutes(15);
    private static final String RECOVERY_PURPOSE = "recovery-code";

    /** What an app needs to start making codes; shown once, at enrolment. */
    public record TotpEnrolment(String secret, String otpauthUri) {}

    public static final class AlreadyEnrolledException extends RuntimeException {
        AlreadyEnrolledException() {
            super("an authenticator app is already enrolled; an administrator can reset it");
        }
    }

    private final DSLContext db;
    private final FieldCipher cipher;
    private final KeyedHash hashes;
    private final TotpCodes totp;
    private final AuditTrail audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final SecureRandom random = new SecureRandom();

    public SecondFactors(DSLContext db, FieldCipher cipher, KeyedHash hashes, TotpCodes totp, AuditTrail audit,
            Clock clock, ApplicationEventPublisher events) {
        this.db = db;
        this.cipher = cipher;
        this.hashes = hashes;
        this.totp = totp;
        this.audit = audit;
        this.clock = clock;
        this.events = events;
    }

    /** Whether the user has a second factor to sign in with: a confirmed app or a passkey. */
    public boolean hasFactor(String username) {
        return hasTotp(username) || hasPasskey(username);
    }

    public boolean hasTotp(String username) {
        return db.fetchExists(db.selectOne().from(TOTP_FACTOR).join(APP_USER).on(APP_USER.ID.eq(TOTP_FACTOR.USER_ID))
                .where(APP_USER.USERNAME.eq(username)).and(TOTP_FACTOR.CONFIRMED));
    }

    public boolean hasPasskey(String username) {
        return db.fetchExists(db.selectOne().from(USER_CREDENTIALS).join(USER_ENTITIES)
                .on(USER_ENTITIES.ID.eq(USER_CREDENTIALS.USER_ENTITY_USER_ID)).where(USER_ENTITIES.NAME.eq(username)));
    }

    public int recoveryCodesLeft(String username) {
        return db.fetchCount(RECOVERY_CODE, RECOVERY_CODE.USER_ID.eq(userId(username)),
                RECOVERY_CODE.USED_AT.isNull());
    }

    /**
     * Starts enrolling an authenticator app: a new secret, kept unconfirmed until a code from the app proves it
     * was copied right. Starting again replaces an unconfirmed secret; a confirmed one stays until a reset.
     */
    @Transactional
    public TotpEnrolment startTotp(String username, String issuer) {
        long user = userId(username);
        Record existing = db.selectFrom(TOTP_FACTOR).where(TOTP_FACTOR.USER_ID.eq(user)).forUpdate().fetchOne();
        if (existing != null && existing.get(TOTP_FACTOR.CONFIRMED)) {
            throw new AlreadyEnrolledException();
        }
        String secret = totp.newSecret();
        byte[] sealed = cipher.encrypt(secret, boundTo(user));
        db.insertInto(TOTP_FACTOR).set(TOTP_FACTOR.USER_ID, user).set(TOTP_FACTOR.SECRET, sealed)
                .onConflict(TOTP_FACTOR.USER_ID).doUpdate().set(TOTP_FACTOR.SECRET, sealed)
                .set(TOTP_FACTOR.LAST_STEP, 0L).execute();
        String label = enc(issuer) + ":" + enc(username);
        return new TotpEnrolment(secret, "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=6&period=" + TotpCodes.PERIOD_SECONDS);
    }

    /**
     * Confirms the app with one of its codes; returns the user's new recovery codes (shown once, stored hashed).
     * Empty when the code is wrong, and nothing changes.
     */
    @Transactional
    public List<String> confirmTotp(String username, String code) {
        long user = userId(username);
        Record row = db.selectFrom(TOTP_FACTOR).where(TOTP_FACTOR.USER_ID.eq(user))
                .and(TOTP_FACTOR.CONFIRMED.isFalse()).forUpdate().fetchOne();
        if (row == null) {
            return List.of();
        }
        OptionalLong step = totp.match(cipher.decrypt(row.get(TOTP_FACTOR.SECRET), boundTo(user)), code,
                row.get(TOTP_FACTOR.LAST_STEP));
        if (step.isEmpty()) {
            return List.of();
        }
        db.update(TOTP_FACTOR).set(TOTP_FACTOR.CONFIRMED, true).set(TOTP_FACTOR.LAST_STEP, step.getAsLong())
                .where(TOTP_FACTOR.USER_ID.eq(user)).execute();
        audit.record(username, Action.CREATE, AUDIT_ENTITY, username, List.of("totp"));
        return newRecoveryCodes(username, user);
    }

    /** Checks a code of the user's confirmed app; each code works once. */
    @Transactional
    public boolean verifyTotp(String username, String code) {
        long user = userId(username);
        Record row = db.selectFrom(TOTP_FACTOR).where(TOTP_FACTOR.USER_ID.eq(user)).and(TOTP_FACTOR.CONFIRMED)
                .forUpdate().fetchOne();
        if (row == null || locked(row)) {
            return false;
        }
        OptionalLong step = totp.match(cipher.decrypt(row.get(TOTP_FACTOR.SECRET), boundTo(user)), code,
                row.get(TOTP_FACTOR.LAST_STEP));
        if (step.isEmpty()) {
            failed(user, row);
            return false;
        }
        db.update(TOTP_FACTOR).set(TOTP_FACTOR.LAST_STEP, step.getAsLong()).set(TOTP_FACTOR.FAILED_ATTEMPTS, 0)
                .where(TOTP_FACTOR.USER_ID.eq(user)).execute();
        return true;
    }

    /** Whether codes (app and recovery) are refused for now after too many wrong ones. */
    public boolean isLocked(String username) {
        Record row = db.selectFrom(TOTP_FACTOR).where(TOTP_FACTOR.USER_ID.eq(userId(username))).fetchOne();
        return row != null && locked(row);
    }

    private boolean locked(Record row) {
        OffsetDateTime until = row.get(TOTP_FACTOR.LOCKED_UNTIL);
        return until != null && clock.instant().isBefore(until.toInstant());
    }

    private void failed(long user, Record row) {
        int failures = row.get(TOTP_FACTOR.FAILED_ATTEMPTS) + 1;
        boolean lock = failures >= MAX_FAILURES;
        db.update(TOTP_FACTOR).set(TOTP_FACTOR.FAILED_ATTEMPTS, lock ? 0 : failures)
                .set(TOTP_FACTOR.LOCKED_UNTIL, lock ? OffsetDateTime.now(clock).plus(LOCKED_FOR)
                        : row.get(TOTP_FACTOR.LOCKED_UNTIL))
                .where(TOTP_FACTOR.USER_ID.eq(user)).execute();
    }

    /** Uses one recovery code instead of the second factor; each code works once. */
    @Transactional
    public boolean useRecoveryCode(String username, String code) {
        if (code == null || code.isBlank()) {
            return false;
        }
        long user = userId(username);
        Record app = db.selectFrom(TOTP_FACTOR).where(TOTP_FACTOR.USER_ID.eq(user)).forUpdate().fetchOne();
        if (app != null && locked(app)) {
            return false;
        }
        // Every hash key held: a code made before a rotation of the hash key works until the old key is retired.
        List<String> hashed = hashes.candidates(RECOVERY_PURPOSE, normalise(code));
        int used = db.update(RECOVERY_CODE).set(RECOVERY_CODE.USED_AT, OffsetDateTime.now(clock))
                .where(RECOVERY_CODE.USER_ID.eq(user)).and(RECOVERY_CODE.CODE_HASH.in(hashed))
                .and(RECOVERY_CODE.USED_AT.isNull()).execute();
        if (used == 1) {
            audit.record(username, Action.CHANGE, AUDIT_ENTITY, username, List.of("recovery_code_used"));
            db.update(TOTP_FACTOR).set(TOTP_FACTOR.FAILED_ATTEMPTS, 0).where(TOTP_FACTOR.USER_ID.eq(user)).execute();
        } else if (app != null) {
            failed(user, app);
        }
        return used == 1;
    }

    /** A passkey was registered (Spring Security stored it); the enrolment is recorded here. */
    @Transactional
    public List<String> passkeyEnrolled(String username) {
        audit.record(username, Action.CREATE, AUDIT_ENTITY, username, List.of("passkey"));
        return recoveryCodesLeft(username) == 0 ? newRecoveryCodes(username, userId(username)) : List.of();
    }

    /** A passkey completed someone's sign-in; which key is Spring Security's record, not the audit trail's. */
    @Transactional
    public void passkeyUsed(String username) {
        audit.record(username, Action.CHANGE, AUDIT_ENTITY, username, List.of("passkey_used"));
    }

    /**
     * An administrator removes all of a user's factors (a lost phone or key): at the next sign-in the user enrols
     * again. Their open sessions end too (once this commits): a session that a lost key completed must not outlive
     * the key. Returns false when there is no such user.
     */
    @Transactional
    public boolean reset(String admin, String username) {
        Long user = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username))
                .fetchOne(APP_USER.ID);
        if (user == null) {
            return false;
        }
        db.deleteFrom(TOTP_FACTOR).where(TOTP_FACTOR.USER_ID.eq(user)).execute();
        db.deleteFrom(RECOVERY_CODE).where(RECOVERY_CODE.USER_ID.eq(user)).execute();
        // Passkeys go with their user entity (user_credentials cascades).
        db.deleteFrom(USER_ENTITIES).where(USER_ENTITIES.NAME.eq(username)).execute();
        audit.record(admin, Action.CHANGE, AUDIT_ENTITY, username, List.of("factors_reset"));
        events.publishEvent(new Account.SessionsRevoked(user, username, "second factor reset"));
        return true;
    }

    private List<String> newRecoveryCodes(String username, long user) {
        db.deleteFrom(RECOVERY_CODE).where(RECOVERY_CODE.USER_ID.eq(user)).execute();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < 12; c++) {
                code.append(ReferenceCodes.ALPHABET.charAt(random.nextInt(ReferenceCodes.ALPHABET.length())));
                if (c == 3 || c == 7) {
                    code.append('-');
                }
            }
            codes.add(code.toString());
            db.insertInto(RECOVERY_CODE).set(RECOVERY_CODE.USER_ID, user)
                    .set(RECOVERY_CODE.CODE_HASH, hashes.of(RECOVERY_PURPOSE, normalise(code.toString()))).execute();
        }
        audit.record(username, Action.CREATE, AUDIT_ENTITY, username, List.of("recovery_codes"));
        return codes;
    }

    private static String normalise(String code) {
        return code.replaceAll("[\\s-]", "").toUpperCase(java.util.Locale.ROOT);
    }

    private long userId(String username) {
        return db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq(username))
                .fetchOptional(APP_USER.ID).orElseThrow(() -> new IllegalArgumentException("no such user"));
    }

    private static String boundTo(long user) {
        return "totp_factor.secret:" + user;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
