package org.tiphotline.protection.rotation;

import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.protection.rotation.EncryptedColumns.Column;

/**
 * Runs the rotations on the leader only, on a thread of its own (the shared scheduler's thread also drives the
 * routing tick, which must not wait for a walk over a hundred thousand rows), and says where they stand in words for
 * the administrators' status page: which keys are still used, by how many values, and which can be retired.
 */
@Component
public class KeyRotation implements DisposableBean {

    /** What the status page shows: sentences, and the key ids that no row needs any more. */
    public record Report(List<String> sentences, List<String> retirable, boolean working) {}

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    private static final java.time.Duration QUIET = java.time.Duration.ofHours(1);

    private final Reencryption reencryption;
    private final CallerHashRotation hashes;
    private final EncryptedColumns columns;
    private final KeyRing keys;
    private final Leadership leadership;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("key-rotation").daemon().factory());
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;
    /** System.nanoTime() before which the AES walk is not repeated (it found nothing to do). */
    private volatile long quietUntil = System.nanoTime();

    public KeyRotation(Reencryption reencryption, CallerHashRotation hashes, EncryptedColumns columns, KeyRing keys,
            Leadership leadership) {
        this.reencryption = reencryption;
        this.hashes = hashes;
        this.columns = columns;
        this.keys = keys;
        this.leadership = leadership;
    }

    /** Looks for work on the leader; a walk already under way is left to finish. */
    @Scheduled(fixedDelayString = "${hotline.protection.rotation.every:1m}",
            initialDelayString = "${hotline.protection.rotation.first-after:20s}")
    public void scheduled() {
        if (leadership.leads() && !stopping && running.compareAndSet(false, true)) {
            worker.submit(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    log.warn("key rotation: a walk stopped on {}; the next one resumes", e.toString());
                } finally {
                    running.set(false);
                }
            });
        }
    }

    /**
     * One walk of both rotations while this node leads; returns the rows and calls moved or looked at. The AES
     * walk reads every encrypted row: once one found nothing to do, the next waits an hour (new rows are written
     * with the active key; only a node still on older settings, during a rolling restart, adds any).
     */
    public long runOnce() {
        long n = 0;
        if (System.nanoTime() - quietUntil >= 0) {
            n = reencryption.run(() -> leadership.leads() && !stopping);
            if (n > 0) {
                log.info("key rotation: {} encrypted values moved to key {}", n, keys.activeKeyId());
            } else if (reencryption.unreadable().isEmpty() && leadership.leads()) {
                quietUntil = System.nanoTime() + QUIET.toNanos();
            }
        }
        return n + hashes.run(() -> leadership.leads() && !stopping);
    }

    /** Encryption key ids named by stored rows but not held, with where: a start must not go on without them. */
    public Map<String, Map<String, Long>> missingKeys() {
        Map<String, Map<String, Long>> missing = new TreeMap<>();
        columns.keyUse().forEach((column, byKey) -> byKey.forEach((key, rows) -> {
            if (!"?".equals(key) && !keys.keyIds().contains(key)) {
                missing.computeIfAbsent(key, k -> new TreeMap<>()).put(column.name(), rows);
            }
        }));
        return missing;
    }

    /** Where the rotations stand, in words. */
    public Report report() {
        NumberFormat count = NumberFormat.getIntegerInstance(Locale.ENGLISH);
        List<String> sentences = new ArrayList<>();
        List<String> retirable = new ArrayList<>();
        Map<String, Long> byKey = new TreeMap<>();
        for (Map.Entry<Column, Map<String, Long>> e : columns.keyUse().entrySet()) {
            e.getValue().forEach((key, rows) -> byKey.merge(key, rows, Long::sum));
        }
        long total = byKey.values().stream().mapToLong(Long::longValue).sum();
        long active = byKey.getOrDefault(keys.activeKeyId(), 0L);
        String activeKey = keys.activeKeyId();
        sentences.add("New personal data is encrypted with key " + activeKey + ".");
        if (total == 0) {
            sentences.add("No personal data is stored yet.");
        } else if (active == total) {
            sentences.add("All " + count.format(total) + " encrypted values are under key " + activeKey + ".");
        } else {
            TreeSet<String> others = new TreeSet<>(byKey.keySet());
            others.remove(activeKey);
            List<String> parts = others.stream().map(k -> count.format(byKey.get(k)) + " under "
                    + ("?".equals(k) ? "no known key" : "key " + k)).toList();
            sentences.add(count.format(active) + " of " + count.format(total) + " encrypted values are under key "
                    + activeKey + "; " + String.join(", ", parts) + (leadership.leads()
                    ? ". They are being re-encrypted in the background, a batch at a time, while calls are taken."
                    : ". The leading node re-encrypts them in the background."));
        }
        for (String key : keys.keyIds()) {
            if (!key.equals(activeKey) && byKey.getOrDefault(key, 0L) == 0) {
                retirable.add(key);
                sentences.add("Key " + key + " is no longer used by any row: it can be retired (remove it from the "
                        + "configuration or the key file and restart).");
            }
        }
        reencryption.unreadable().forEach((column, rows) -> sentences.add(count.format(rows)
                + " encrypted values of " + column + " cannot be decrypted with any key held; see the log for "
                + "which rows."));
        Optional<CallerHashRotation.Progress> progress = hashes.progress();
        String activeHash = keys.activeHashKeyId();
        if (progress.isEmpty() && keys.hashKeyIds().size() > 1) {
            sentences.add("Caller-number hashes will be moved to hash key " + activeHash + " at the leading node's "
                    + "next check; repeat callers are recognised under every hash key held meanwhile.");
        } else if (progress.isEmpty() || keys.hashKeyIds().size() == 1 && progress.get().finished()) {
            sentences.add("Caller numbers are matched with hash key " + activeHash + ".");
        } else if (!progress.get().finished()) {
            CallerHashRotation.Progress p = progress.get();
            sentences.add("Caller-number hashes are being moved from hash key " + String.join(", ", p.from())
                    + " to " + p.to() + ": " + count.format(p.callsDone()) + " of " + count.format(p.callsTotal())
                    + " calls and " + count.format(p.casesDone()) + " of " + count.format(p.casesTotal())
                    + " registry cases done. Repeat callers are recognised under either key meanwhile.");
        } else {
            sentences.add("Every caller-number hash is made with hash key " + activeHash + ".");
            for (String key : keys.hashKeyIds()) {
                if (!key.equals(activeHash)) {
                    retirable.add(key);
                    sentences.add("Hash key " + key + " is no longer needed: it can be retired (recovery codes made "
                            + "before the rotation stop working then; their owners make new ones).");
                }
            }
        }
        return new Report(sentences, retirable, running.get());
    }

    @Override
    public void destroy() {
        stopping = true;
        worker.shutdownNow();
    }
}
