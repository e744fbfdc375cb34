package org.tiphotline.idempotency;

import static org.tiphotline.db.Tables.IDEMPOTENT_REQUEST;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.KeyedHash;

/**
 * The keys of idempotent creates, kept in PostgreSQL. The first request with a key claims it (a row inserted
 * before the create runs, so a concurrent duplicate finds it at once and waits); its answer is stored when it
 * succeeds, and every later request with that key and the same request gets that answer again. A failed first
 * request (any answer but 2xx) gives its key back: the person corrects the form and sends again with the same key.
 *
 * <p>A key is scoped to who sent it (a user, or the anonymous session of a public form), so one person's key
 * never answers another's request. The key, scope and request are stored only as keyed hashes; the answer is
 * encrypted, bound to its row.
 */
@Service
public class IdempotentRequests {

    /** What to do with a request that carries a key. */
    public sealed interface Claim {

        /** The key was free: run the request, then {@link #finish} or {@link #release} with this handle. */
        record Run(String handle) implements Claim {}

        /** The key answered before: send this again, create nothing. */
        record Replay(int status, String contentType, byte[] body) implements Claim {}

        /** The key was used for another request (another body or endpoint): refuse, create nothing. */
        record UsedForAnotherRequest() implements Claim {}

        /** The first request with this key is still running after the wait: the client should retry later. */
        record StillRunning() implements Claim {}
    }

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);
    private static final String IN_FLIGHT = "IN_FLIGHT";
    private static final String DONE = "DONE";

    private final DSLContext db;
    private final Clock clock;
    private final KeyedHash hashes;
    private final FieldCipher cipher;
    private final IdempotencySettings settings;

    private final Leadership leadership;

    IdempotentRequests(DSLContext db, Clock clock, KeyedHash hashes, FieldCipher cipher,
            IdempotencySettings settings, Leadership leadership) {
        this.leadership = leadership;
        this.db = db;
        this.clock = clock;
        this.hashes = hashes;
        this.cipher = cipher;
        this.settings = settings;
    }

    /**
     * Claims {@code key} for this request, waiting for a concurrent first request to finish when there is one.
     *
     * @param scope who sent it ({@code user:<name>} or {@code session:<id>})
     * @param request what was asked (method and path)
     * @param body the request body as sent
     */
    public Claim claim(String scope, String key, String request, byte[] body) {
        String handle = hashes.of("idempotency.key", scope + "\0" + key);
        String fingerprint = hashes.of("idempotency.request", request + "\0" + sha256(body));
        // The wait is measured on the machine's own timer: a test's fixed clock must not make it endless.
        long deadline = System.nanoTime() + settings.duplicateWait().toNanos();
        long pause = 20;
        while (true) {
            Instant now = clock.instant();
            int claimed = db.insertInto(IDEMPOTENT_REQUEST)
                    .set(IDEMPOTENT_REQUEST.KEY_HASH, handle)
                    .set(IDEMPOTENT_REQUEST.REQUEST_HASH, fingerprint)
                    .set(IDEMPOTENT_REQUEST.STATE, IN_FLIGHT)
                    .set(IDEMPOTENT_REQUEST.CREATED_AT, utc(now))
                    .set(IDEMPOTENT_REQUEST.EXPIRES_AT, utc(now.plus(settings.window())))
                    .onConflictDoNothing().execute();
            if (claimed == 1) {
                return new Claim.Run(handle);
            }
            var row = db.selectFrom(IDEMPOTENT_REQUEST).where(IDEMPOTENT_REQUEST.KEY_HASH.eq(handle)).fetchOne();
            if (row == null) {
                continue; // released or swept between the two statements: claim again
            }
            if (row.getExpiresAt().toInstant().isBefore(now)) {
                forget(handle, row.getCreatedAt());
                continue;
            }
            if (!row.getRequestHash().equals(fingerprint)) {
                return new Claim.UsedForAnotherRequest();
            }
            if (DONE.equals(row.getState())) {
                return new Claim.Replay(row.getStatus(), row.getContentType(),
                        cipher.decryptBytes(row.getResponseEnc(), boundTo(handle)));
            }
            if (row.getCreatedAt().toInstant().isBefore(now.minus(settings.abandonedAfter()))) {
                // Its node stopped between claiming and answering: nobody will finish it.
                log.warn("an idempotency key's first request never finished; the key is free again");
                forget(handle, row.getCreatedAt());
                continue;
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Claim.StillRunning();
            }
            sleep(pause);
            pause = Math.min(200, pause * 2);
        }
    }

    /** The first request succeeded: its answer is what every repeat gets. */
    public void finish(String handle, int status, String contentType, byte[] body) {
        db.update(IDEMPOTENT_REQUEST)
                .set(IDEMPOTENT_REQUEST.STATE, DONE)
                .set(IDEMPOTENT_REQUEST.STATUS, (short) status)
                .set(IDEMPOTENT_REQUEST.CONTENT_TYPE, contentType == null || contentType.length() > 200 ? null
                        : contentType)
                .set(IDEMPOTENT_REQUEST.RESPONSE_ENC, cipher.encryptBytes(body, boundTo(handle)))
                .where(IDEMPOTENT_REQUEST.KEY_HASH.eq(handle)).and(IDEMPOTENT_REQUEST.STATE.eq(IN_FLIGHT))
                .execute();
    }

    /** The first request failed or was refused: nothing was created, so the key is free for the next try. */
    public void release(String handle) {
        db.deleteFrom(IDEMPOTENT_REQUEST).where(IDEMPOTENT_REQUEST.KEY_HASH.eq(handle))
                .and(IDEMPOTENT_REQUEST.STATE.eq(IN_FLIGHT)).execute();
    }

    /** Keys past their window; returns how many were forgotten. */
    @Scheduled(fixedDelayString = "${hotline.idempotency.sweep:10m}")
    public void scheduledSweep() {
        if (leadership.leads()) {
            sweep();
        }
    }

    public int sweep() {
        return db.deleteFrom(IDEMPOTENT_REQUEST).where(IDEMPOTENT_REQUEST.EXPIRES_AT.lt(utc(clock.instant())))
                .execute();
    }

    private void forget(String handle, OffsetDateTime createdAt) {
        // Only that very row: another request may have claimed the key again in between.
        db.deleteFrom(IDEMPOTENT_REQUEST).where(IDEMPOTENT_REQUEST.KEY_HASH.eq(handle))
                .and(IDEMPOTENT_REQUEST.CREATED_AT.eq(createdAt)).execute();
    }

    private static String boundTo(String handle) {
        return "idempotent_request.response:" + handle;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body == null
                    ? new byte[0] : body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the first request with this key", e);
        }
    }
}
