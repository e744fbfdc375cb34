package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.protection.AuditChainCheck.Problem;
import org.tiphotline.protection.AuditChainCheck.Result;
import org.tiphotline.testing.BreakGlass;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * The audit trail as evidence (issue 21, item 2): rows written through {@link AuditTrail}, sealed into the chain,
 * the head published; then history rewritten as the schema's owner could ({@link BreakGlass}): a row edited,
 * deleted, inserted, reordered, the chain rebuilt with or without the key. Each time the verification names the
 * first row or entry that does not fit, in words.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class AuditChainTest {

    @Autowired
    AuditTrail trail;
    @Autowired
    AuditMacs macs;
    @Autowired
    DSLContext db;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    Leadership leadership;
    @Autowired
    MutableClock clock;

    @TempDir
    Path headsDirectory;

    private AuditChainSettings settings;
    private AuditSealer sealer;
    private AuditHeads heads;
    private AuditChainCheck check;

    @BeforeEach
    void emptyTrail() throws Exception {
        TestDatabase.get().reset();
        Files.deleteIfExists(headsDirectory.resolve(AuditHeads.FILE));
        clock.set(MutableClock.DEFAULT_START);
        // Batches of 4, so that ten rows take three sealing transactions.
        settings = new AuditChainSettings(Duration.ofSeconds(1), 4, Duration.ofMinutes(1), headsDirectory);
        heads = new AuditHeads(db, macs, settings, clock);
        sealer = new AuditSealer(db, macs, leadership, settings, heads);
        check = new AuditChainCheck(db, macs, heads);
    }

    @Test
    void anUntouchedTrailIsIntactAndSaysSo() throws Exception {
        assertThat(check.check().summary()).isEqualTo("The audit trail is empty: there is nothing to check yet.");
        writeSealAndPublish(10);

        Result result = check.check();
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.findings()).isEmpty();
        assertThat(result.rowsChecked()).isEqualTo(10);
        assertThat(result.lastEntry()).isEqualTo(10);
        assertThat(result.headsCompared()).isEqualTo(1);
        assertThat(result.summary()).startsWith("The audit trail is intact: 10 rows fit their MACs and the chain "
                + "(10 entries, the last sealed ").endsWith("It agrees with the 1 published head, the latest of "
                + "3 Mar 2025, 10:00:00 UTC (entry 10).");
        // The start, then every row once, in id order here (nothing committed out of order).
        assertThat(db.fetch("select seq, kind, audit_id from hotline.audit_seal order by seq").map(r -> r.get(0) + " "
                + r.get(1) + " " + r.get(2))).startsWith("0 START 0", "1 KEYED 1", "2 KEYED 2").hasSize(11);
        assertThat(db.fetchCount(db.selectFrom("hotline.audit_unsealed"))).isZero();
        // Every row carries its nonce and MAC; the changes were MACed as PostgreSQL prints them (keys reordered).
        assertThat(db.fetchCount(db.selectFrom("hotline.audit_log").where("nonce is null or mac is null"))).isZero();
        assertThat(db.fetchSingle("select changes::text from hotline.audit_log where id = 3").get(0, String.class))
                .isEqualTo("{\"a\": {\"after\": \"SUPERVISOR\", \"before\": \"OPERATOR\"}, \"zeta\": 1}");
        // The head is a signed line in the directory's file.
        List<String> lines = Files.readAllLines(headsDirectory.resolve(AuditHeads.FILE), StandardCharsets.UTF_8);
        assertThat(lines).singleElement().asString()
                .matches("tiphotline audit head: seq=10 hash=[0-9a-f]{64} at=2025-03-03T10:00:00Z sig=[0-9a-f]{64}");
        // Published only when the chain moved.
        assertThat(heads.publish()).isEmpty();
    }

    @Test
    void anEditedRowIsNamed() {
        writeSealAndPublish(10);
        BreakGlass.asOwner("update hotline.audit_log set actor = 'someone-else' where id = 5",
                "update hotline.audit_log set changes = '{\"a\": 2}' where id = 9");

        Result result = check.check();
        assertThat(result.intact()).isFalse();
        assertThat(result.problems()).isEqualTo(2);
        assertThat(result.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ROW_CHANGED);
            assertThat(first.auditId()).isEqualTo(5L);
            assertThat(first.words()).startsWith("Audit row 5 (written ")
                    .endsWith("was changed after it was written: it no longer fits its seal (entry 5).");
        });
        assertThat(result.summary()).startsWith("The audit trail does not fit. Audit row 5 (written ")
                .endsWith("1 more problem found after it.");
        assertThat(result.findings().get(1).auditId()).isEqualTo(9L);
    }

    @Test
    void aDeletedRowIsNamed() {
        writeSealAndPublish(10);
        BreakGlass.asOwner("delete from hotline.audit_log where id = 4");

        Result result = check.check();
        assertThat(result.problems()).isEqualTo(1);
        assertThat(result.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ROW_DELETED);
            assertThat(first.auditId()).isEqualTo(4L);
            assertThat(first.words()).startsWith("Audit row 4 was deleted: entry 4 of the chain sealed it on ")
                    .endsWith(", and it is gone.");
        });
    }

    @Test
    void aRowDeletedBeforeItWasSealedIsNamed() {
        write(3);
        BreakGlass.asOwner("delete from hotline.audit_log where id = 2");
        Result waiting = check.check();
        assertThat(waiting.first()).get().extracting(AuditChainCheck.Finding::problem, AuditChainCheck.Finding::auditId)
                .containsExactly(Problem.ROW_DELETED_BEFORE_SEALING, 2L);

        // The sealer finds it gone and seals that too.
        assertThat(sealer.sealAll()).isEqualTo(3);
        Result sealed = check.check();
        assertThat(sealed.problems()).isEqualTo(1);
        assertThat(sealed.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ROW_DELETED_BEFORE_SEALING);
            assertThat(first.entry()).isEqualTo(2L);
            assertThat(first.words()).startsWith("Audit row 2 was deleted before it was sealed: it was gone when "
                    + "the chain reached it (entry 2, ");
        });
    }

    @Test
    void insertedRowsAreNamed() {
        writeSealAndPublish(10);
        // Without a MAC (nobody but the application holds the key): named while waiting, and once sealed.
        BreakGlass.asOwner("insert into hotline.audit_log (id, at, actor, action, entity, entity_id) "
                + "values (11, now() - interval '1 hour', 'forger', 'READ', 'call', 'made-up')");
        assertThat(check.check().first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ROW_WITHOUT_MAC);
            assertThat(first.auditId()).isEqualTo(11L);
            assertThat(first.words()).startsWith("Audit row 11 (written ").contains(
                    "carries no MAC of the audit key: it was not written by this application");
        });
        sealer.sealAll();
        assertThat(check.check().first()).get().extracting(AuditChainCheck.Finding::problem,
                AuditChainCheck.Finding::entry).containsExactly(Problem.ROW_WITHOUT_MAC, 11L);

        // With a made-up MAC: it does not fit.
        BreakGlass.asOwner("insert into hotline.audit_log (id, actor, action, entity, entity_id, nonce, mac) "
                + "values (12, 'forger', 'READ', 'call', 'made-up', decode(repeat('ab', 16), 'hex'), "
                + "decode(repeat('cd', 32), 'hex'))");
        sealer.sealAll();
        Result forged = check.check();
        assertThat(forged.findings()).extracting(AuditChainCheck.Finding::problem, AuditChainCheck.Finding::auditId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Problem.ROW_WITHOUT_MAC, 11L),
                        org.assertj.core.groups.Tuple.tuple(Problem.ROW_CHANGED, 12L));

        // Inserted and taken out of the sealing queue: not in the chain.
        BreakGlass.asOwner("insert into hotline.audit_log (id, actor, action, entity, entity_id) "
                + "values (13, 'forger', 'READ', 'call', 'made-up')",
                "delete from hotline.audit_unsealed where audit_id = 13");
        assertThat(check.check().findings()).last().satisfies(last -> {
            assertThat(last.problem()).isEqualTo(Problem.ROW_OUTSIDE_CHAIN);
            assertThat(last.words()).startsWith("Audit row 13 (written ").endsWith(
                    "is neither in the chain nor waiting to be sealed: it was inserted, or taken out of the sealing "
                    + "queue, behind the application's back.");
        });
    }

    @Test
    void reorderedRowsAndEntriesAreNamed() throws Exception {
        writeSealAndPublish(10);
        // Two rows swap their times: the timeline reads in another order.
        BreakGlass.asOwner("update hotline.audit_log a set at = b.at from hotline.audit_log b "
                + "where (a.id, b.id) in ((3, 6), (6, 3))");
        Result times = check.check();
        assertThat(times.problems()).isEqualTo(2);
        assertThat(times.first()).get().extracting(AuditChainCheck.Finding::problem, AuditChainCheck.Finding::auditId)
                .containsExactly(Problem.ROW_CHANGED, 3L);

        emptyTrail();
        writeSealAndPublish(10);
        // Two rows swap their ids.
        BreakGlass.asOwner("update hotline.audit_log set id = -2 where id = 2",
                "update hotline.audit_log set id = 2 where id = 8", "update hotline.audit_log set id = 8 where id = -2");
        assertThat(check.check().first()).get().extracting(AuditChainCheck.Finding::problem,
                AuditChainCheck.Finding::auditId).containsExactly(Problem.ROW_CHANGED, 2L);

        emptyTrail();
        writeSealAndPublish(10);
        // Two entries of the chain swap places.
        BreakGlass.asOwner("update hotline.audit_seal set seq = 1000003 where seq = 3",
                "update hotline.audit_seal set seq = 3 where seq = 6",
                "update hotline.audit_seal set seq = 6 where seq = 1000003");
        assertThat(check.check().first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ENTRY_ALTERED);
            assertThat(first.entry()).isEqualTo(3L);
            assertThat(first.words()).startsWith("Entry 3 of the chain (sealed ").endsWith(
                    "does not verify with the audit key: it was altered, or the chain was rebuilt by someone without "
                    + "the key.");
        });
    }

    @Test
    void entriesRemovedFromTheChainAreNamed() throws Exception {
        writeSealAndPublish(10);
        BreakGlass.asOwner("delete from hotline.audit_seal where seq in (4, 5)");
        Result middle = check.check();
        assertThat(middle.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ENTRIES_MISSING);
            assertThat(first.words()).isEqualTo("The chain jumps from entry 3 to entry 6: 2 entries were deleted.");
        });

        emptyTrail();
        writeSealAndPublish(10);
        // The last two rows and their entries, gone together: only the published head can tell.
        BreakGlass.asOwner("delete from hotline.audit_log where id in (9, 10)",
                "delete from hotline.audit_seal where seq in (9, 10)");
        Result end = check.check();
        assertThat(end.problems()).isEqualTo(1);
        assertThat(end.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.HEAD_BEYOND_END);
            assertThat(first.words()).isEqualTo("The chain ends at entry 8, but entry 10 was published on "
                    + "3 Mar 2025, 10:00:00 UTC: entries were removed from its end, or the chain was rebuilt shorter.");
        });
    }

    @Test
    void aChainRebuiltWithTheKeyDisagreesWithThePublishedHead() {
        writeSealAndPublish(10);
        // Someone who holds the key too deletes row 4 and builds the chain again from scratch: every row and every
        // entry fits, and only the head published before gives it away.
        BreakGlass.asOwner("delete from hotline.audit_log where id = 4", "delete from hotline.audit_seal",
                "insert into hotline.audit_unsealed (audit_id) select id from hotline.audit_log");
        sealer.sealAll();
        write(2);
        sealer.sealAll();

        Result result = check.check();
        assertThat(result.problems()).as(result.summary()).isEqualTo(1);
        assertThat(result.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.HEAD_DIFFERS);
            assertThat(first.entry()).isEqualTo(10L);
            assertThat(first.words()).isEqualTo("Entry 10 of the chain differs from the head published on "
                    + "3 Mar 2025, 10:00:00 UTC (audit-heads.log, line 1): the chain was rebuilt after that time.");
        });
    }

    @Test
    void aChainRebuiltWithoutTheKeyFailsAtItsStart() {
        writeSealAndPublish(10);
        BreakGlass.asOwner("update hotline.audit_log set entity_id = 'another-call' where id = 5",
                "delete from hotline.audit_seal",
                "insert into hotline.audit_unsealed (audit_id) select id from hotline.audit_log");
        AuditMacs otherKey = new AuditMacs(KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                FakeData.testKey("hash"), FakeData.testKey("a forger's audit key")));
        new AuditSealer(db, otherKey, leadership, settings, heads).sealAll();

        Result result = check.check();
        assertThat(result.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.ENTRY_ALTERED);
            assertThat(first.entry()).isZero();
        });
        assertThat(result.findings()).extracting(AuditChainCheck.Finding::problem)
                .contains(Problem.ROW_CHANGED, Problem.HEAD_DIFFERS);
    }

    @Test
    void anAlteredHeadLineIsNamed() throws Exception {
        writeSealAndPublish(10);
        Path file = headsDirectory.resolve(AuditHeads.FILE);
        Files.writeString(file, Files.readString(file).replace("seq=10", "seq=9"));

        Result result = check.check();
        assertThat(result.first()).get().satisfies(first -> {
            assertThat(first.problem()).isEqualTo(Problem.HEAD_NOT_SIGNED);
            assertThat(first.words()).isEqualTo("A published head (audit-heads.log, line 1) does not verify with "
                    + "the audit key: it was altered, or written by someone without the key.");
        });
    }

    @Test
    void rowsFromBeforeTheChainAreSealedAsTheyWereAndLaterOnesWithoutAMacAreNamed() {
        // As the previous build writes them: no nonce, no MAC.
        for (int i = 0; i < 2; i++) {
            db.execute("insert into hotline.audit_log (actor, action, entity, entity_id) "
                    + "values ('olderbuild', 'READ', 'call', 'legacy')");
        }
        write(3);
        assertThat(sealer.sealAll()).isEqualTo(5);
        Result result = check.check();
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.legacyRows()).isEqualTo(2);
        assertThat(result.summary()).contains("2 rows from before the chain began were sealed as they were then, "
                + "and have not changed since.").contains("No head has been published yet to compare it with.");
        assertThat(db.fetchSingle("select audit_id from hotline.audit_seal where seq = 0").get(0, Long.class))
                .isEqualTo(2L);

        // After the start, a row without a MAC is not the application's.
        db.execute("insert into hotline.audit_log (actor, action, entity, entity_id) "
                + "values ('olderbuild', 'READ', 'call', 'late')");
        sealer.sealAll();
        assertThat(check.check().first()).get().extracting(AuditChainCheck.Finding::problem,
                AuditChainCheck.Finding::auditId, AuditChainCheck.Finding::entry)
                .containsExactly(Problem.ROW_WITHOUT_MAC, 6L, 6L);
    }

    @Test
    void aRowCommittedAfterALaterOneIsSealedAfterIt() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService slow = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = slow.submit(() -> tx.executeWithoutResult(status -> {
                record("slow");
                written.countDown();
                await(release);
            }));
            assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
            write(1);
            // Row 1 is drawn but not committed: only row 2 is sealed.
            assertThat(sealer.sealAll()).isEqualTo(1);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
        } finally {
            slow.shutdownNow();
        }
        assertThat(sealer.sealAll()).isEqualTo(1);
        assertThat(db.fetch("select audit_id from hotline.audit_seal where seq > 0 order by seq").getValues(0, Long.class))
                .containsExactly(2L, 1L);
        assertThat(check.check().intact()).isTrue();
    }

    @Test
    void concurrentWritersNeverWaitForTheSealerAndEveryRowIsSealedOnce() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread sealing = Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                sealer.sealAll();
            }
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        tx.executeWithoutResult(status -> record("writer"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writing.set(false);
            sealing.join(10_000);
            writers.shutdownNow();
        }
        sealer.sealAll();
        Result result = check.check();
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.rowsChecked()).isEqualTo(200);
        assertThat(result.lastEntry()).isEqualTo(200);
    }

    private void writeSealAndPublish(int rows) {
        write(rows);
        assertThat(sealer.sealAll()).isEqualTo(rows);
        assertThat(heads.publish()).isPresent();
    }

    private void write(int rows) {
        for (int i = 0; i < rows; i++) {
            tx.executeWithoutResult(status -> record("testoperator"));
        }
    }

    /** One audit row; every third with changes whose keys PostgreSQL reorders. */
    private void record(String actor) {
        long n = db.fetchSingle("select count(*) from hotline.audit_log").get(0, Long.class);
        if (n % 3 == 2) {
            Map<String, Object> changes = new LinkedHashMap<>();
            changes.put("zeta", 1);
            changes.put("a", Map.of("before", "OPERATOR", "after", "SUPERVISOR"));
            trail.record(actor, AuditTrail.Action.CHANGE, "app_user", "testuser", List.of("role"), changes);
        } else {
            trail.record(actor, AuditTrail.Action.READ, "call", UUID.randomUUID(), List.of("caller_number"));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
