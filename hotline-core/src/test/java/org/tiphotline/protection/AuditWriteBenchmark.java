package org.tiphotline.protection;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.tiphotline.cluster.ClusterSettings;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.TestDatabase;

/**
 * The audit trail's append cost (docs/benchmarks.md, "Audit writes"): audit rows per second, each in a transaction of
 * its own, written as before the chain (one INSERT, as AuditTrail did until V62, into a table of that shape) and with
 * it (AuditTrail today: id and time drawn first, nonce and MAC, the sealing queue's trigger) while the sealer links
 * them into the chain once a second as the leader does. Rounds alternate the two, at each thread count, on a durable
 * embedded PostgreSQL (fsync and synchronous commit on, as the application runs it). Not a test: run by
 * {@code -Pbench-audit}.
 *
 * <p>System properties: {@code bench.seconds} per measured phase (5), {@code bench.warmupSeconds} (2),
 * {@code bench.rounds} (3), {@code bench.threads} (1,8).
 */
public final class AuditWriteBenchmark {

    private record Phase(String mode, int threads, long writes, double seconds, long p50Micros, long p99Micros) {
        double perSecond() {
            return writes / seconds;
        }
    }

    /**
     * The audit trail without and with the chain; then call_event's shape without and with what sealing it would
     * cost its writer (the canonical jsonb drawn from PostgreSQL, a nonce and a MAC, the queue's trigger), not its
     * sealer: the price of doing item 2 for call_event too.
     */
    private static final List<String> MODES = List.of("without", "with", "events-without", "events-with");

    private AuditWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 5);
        int warmup = Integer.getInteger("bench.warmupSeconds", 2);
        int rounds = Integer.getInteger("bench.rounds", 3);
        String threadList = System.getProperty("bench.threads", "");
        int[] threadCounts = Arrays.stream((threadList.isBlank() ? "1,8" : threadList).split(","))
                .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        Path dir = Files.createTempDirectory("audit-bench");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres"))
                .setCleanDataDirectory(true).setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on").start()) {
            // Roles and schema as production has them (V61): migrated and given its comparison tables by the owner,
            // written by the application's role, whose rights are what every audit row really goes through.
            int poolSize = Arrays.stream(threadCounts).max().orElse(8) + 2;
            try (HikariDataSource owner = TestDatabase.prepare(postgres, 2, "bench-owner");
                    HikariDataSource dataSource = TestDatabase.pool(postgres, TestDatabase.APPLICATION, poolSize,
                            "bench-app")) {
                beforeTheChain(DSL.using(owner, SQLDialect.POSTGRES));
                DSLContext db = DSL.using(dataSource, SQLDialect.POSTGRES);
                AuditMacs macs = new AuditMacs(FakeData.keyRing());
                AuditChainSettings settings = new AuditChainSettings(Duration.ofSeconds(1), 1000,
                        Duration.ofMinutes(1), dir.resolve("heads"));
                AuditHeads heads = new AuditHeads(db, macs, settings, Clock.systemUTC());
                // Never started, so never leading: the benchmark runs the leader's sealing itself.
                Leadership nobody = new Leadership(dataSource, event -> { },
                        new ClusterSettings("bench", Duration.ofSeconds(1), Duration.ofSeconds(2)));
                AuditSealer sealer = new AuditSealer(db, macs, nobody, settings, heads);

                System.out.printf(Locale.ROOT, "audit writes: %d s phases after %d s warm-up, %d rounds, threads %s,"
                        + " durable PostgreSQL%n", seconds, warmup, rounds, Arrays.toString(threadCounts));
                List<Phase> phases = new ArrayList<>();
                List<Long> sealMillis = new ArrayList<>();
                for (int threads : threadCounts) {
                    for (String mode : MODES) {
                        run(db, macs, sealer, mode, threads, warmup, sealMillis);
                    }
                }
                sealMillis.clear();
                for (int round = 1; round <= rounds; round++) {
                    for (int threads : threadCounts) {
                        for (String mode : MODES) {
                            Phase phase = run(db, macs, sealer, mode, threads, seconds, sealMillis);
                            phases.add(phase);
                            System.out.printf(Locale.ROOT, "round %d  %-14s %2d thread(s): %8.0f writes/s  p50 %5d us"
                                    + "  p99 %6d us%n", round, mode, threads, phase.perSecond(), phase.p50Micros(),
                                    phase.p99Micros());
                        }
                    }
                }
                System.out.println();
                System.out.println("summary (median of the rounds; worst = the lowest rate, the highest p99):");
                for (int threads : threadCounts) {
                    Map<String, Phase> medians = new LinkedHashMap<>();
                    for (String mode : MODES) {
                        List<Phase> these = phases.stream().filter(p -> p.mode().equals(mode)
                                && p.threads() == threads).toList();
                        double rate = median(these.stream().mapToDouble(Phase::perSecond).toArray());
                        double worst = these.stream().mapToDouble(Phase::perSecond).min().orElse(0);
                        double p99 = median(these.stream().mapToDouble(Phase::p99Micros).toArray());
                        double worstP99 = these.stream().mapToDouble(Phase::p99Micros).max().orElse(0);
                        double p50 = median(these.stream().mapToDouble(Phase::p50Micros).toArray());
                        medians.put(mode, new Phase(mode, threads, Math.round(rate), 1, Math.round(p50),
                                Math.round(p99)));
                        System.out.printf(Locale.ROOT, "  %-14s %2d thread(s): %8.0f writes/s (worst %8.0f)  p50 %5.0f us"
                                + "  p99 %6.0f us (worst %6.0f)%n", mode, threads, rate, worst, p50, p99, worstP99);
                    }
                    for (String[] pair : new String[][] {{"without", "with"}, {"events-without", "events-with"}}) {
                        Phase without = medians.get(pair[0]);
                        Phase with = medians.get(pair[1]);
                        System.out.printf(Locale.ROOT, "  %2d thread(s), %s: %.1f %% of the rate without; %+d us per "
                                + "write at the median%n", threads, pair[1], 100 * with.perSecond() / without.perSecond(),
                                with.p50Micros() - without.p50Micros());
                    }
                }
                long[] seal = sealMillis.stream().mapToLong(Long::longValue).sorted().toArray();
                if (seal.length > 0) {
                    System.out.printf(Locale.ROOT, "sealer: %d runs while writing, median %d ms, max %d ms per run%n",
                            seal.length, seal[seal.length / 2], seal[seal.length - 1]);
                }
                long rows = db.fetchCount(db.selectFrom("hotline.audit_log"));
                sealer.sealAll();
                heads.publish();
                long start = System.nanoTime();
                AuditChainCheck.Result result = new AuditChainCheck(db, macs, heads).check();
                double took = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "verification: %d rows in %.1f s (%.0f rows/s): %s%n", rows, took,
                        rows / took, result.intact() ? "intact" : "DOES NOT FIT: " + result.summary());
                if (!result.intact()) {
                    System.exit(1);
                }
            }
        }
    }

    /** The audit table as it was before V62, written as AuditTrail wrote it. */
    private static void beforeTheChain(DSLContext db) {
        db.execute("create table hotline.audit_log_before (id bigint generated always as identity primary key, "
                + "at timestamptz not null default clock_timestamp(), actor text not null, action text not null "
                + "check (action in ('READ', 'CREATE', 'CHANGE', 'EXPORT')), entity text not null, "
                + "entity_id text not null, fields text[] not null default '{}', changes jsonb)");
        db.execute("create index audit_before_by_entity on hotline.audit_log_before (entity, entity_id, at)");
        db.execute("create trigger audit_log_before_append_only before update or delete on hotline.audit_log_before "
                + "for each row execute function hotline.forbid_change()");
        // call_event's shape (V1), without a foreign key to call (the benchmark has no calls), and a copy that would
        // be sealed: nonce, MAC and the queue's trigger, as audit_log has since V62.
        db.execute("create table hotline.bench_event (call_id uuid not null, seq integer not null check (seq >= 1), "
                + "type text not null, at timestamptz not null, operator_id bigint, "
                + "detail jsonb not null default '{}'::jsonb, primary key (call_id, seq))");
        db.execute("create trigger bench_event_append_only before update or delete on hotline.bench_event "
                + "for each row execute function hotline.forbid_change()");
        db.execute("create table hotline.bench_event_sealed (like hotline.bench_event including all, nonce bytea, "
                + "mac bytea)");
        db.execute("create trigger bench_event_sealed_append_only before update or delete on "
                + "hotline.bench_event_sealed for each row execute function hotline.forbid_change()");
        db.execute("create table hotline.bench_event_unsealed (call_id uuid, seq integer, primary key (call_id, seq))");
        db.execute("create function hotline.bench_event_to_seal() returns trigger language plpgsql "
                + "set search_path = hotline as $$ begin insert into bench_event_unsealed values (new.call_id, new.seq);"
                + " return null; end $$");
        db.execute("create trigger bench_event_to_seal after insert on hotline.bench_event_sealed "
                + "for each row execute function hotline.bench_event_to_seal()");
        // The application's rights on them, as V61 and V62 give it on audit_log, call_event and audit_unsealed.
        db.execute("grant select, insert on hotline.audit_log_before, hotline.bench_event, hotline.bench_event_sealed "
                + "to " + TestDatabase.APPLICATION);
        db.execute("grant select, insert, delete on hotline.bench_event_unsealed to " + TestDatabase.APPLICATION);
    }

    private static Phase run(DSLContext db, AuditMacs macs, AuditSealer sealer, String mode, int threads,
            int seconds, List<Long> sealMillis) throws Exception {
        AtomicBoolean going = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> workers = new ArrayList<>();
        Thread leader = null;
        if (mode.equals("with")) {
            // As the leading node: once a second.
            leader = Thread.ofPlatform().name("sealer").start(() -> {
                while (going.get()) {
                    long t = System.nanoTime();
                    sealer.sealAll();
                    synchronized (sealMillis) {
                        sealMillis.add((System.nanoTime() - t) / 1_000_000);
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        long started = System.nanoTime();
        for (int w = 0; w < threads; w++) {
            workers.add(pool.submit(() -> {
                long[] micros = new long[1 << 20];
                int n = 0;
                long i = 0;
                while (going.get()) {
                    long t = System.nanoTime();
                    write(db, macs, mode, i++);
                    if (n < micros.length) {
                        micros[n++] = (System.nanoTime() - t) / 1000;
                    }
                }
                return Arrays.copyOf(micros, n);
            }));
        }
        Thread.sleep(seconds * 1000L);
        going.set(false);
        List<Long> all = new ArrayList<>();
        for (Future<long[]> worker : workers) {
            for (long m : worker.get()) {
                all.add(m);
            }
        }
        double took = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        if (leader != null) {
            leader.interrupt();
            leader.join();
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Phase(mode, threads, sorted.length, took, sorted[sorted.length / 2],
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]);
    }

    private static final String DETAIL = "{\"question\": \"language\", \"answer\": \"en\"}";
    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();
    private static final ThreadLocal<UUID> CALL = ThreadLocal.withInitial(UUID::randomUUID);

    /** One call event in a transaction of its own; ten per call, as an IVR's answers come. */
    private static void event(DSLContext db, AuditMacs macs, boolean sealed, long i) {
        if (i % 10 == 0) {
            CALL.set(UUID.randomUUID());
        }
        UUID call = CALL.get();
        int seq = (int) (i % 10) + 1;
        java.time.OffsetDateTime at = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!sealed) {
                tx.execute("insert into hotline.bench_event (call_id, seq, type, at, detail) values (?, ?, ?, ?::timestamptz, "
                        + "?::jsonb)", call, seq, "IVR_ANSWER", at, DETAIL);
                return;
            }
            String printed = tx.fetchValue(DSL.field("{0}::jsonb::text", String.class, DETAIL));
            byte[] nonce = new byte[16];
            NONCES.nextBytes(nonce);
            byte[] mac = macs.row(seq, at, call.toString(), "IVR_ANSWER", "call_event", null, null, printed, nonce);
            tx.execute("insert into hotline.bench_event_sealed (call_id, seq, type, at, detail, nonce, mac) "
                    + "values (?, ?, ?, ?::timestamptz, ?::jsonb, ?, ?)", call, seq, "IVR_ANSWER", at, printed, nonce, mac);
        });
    }

    /** One audit row in a transaction of its own; every third with changes, as an account's change writes them. */
    private static void write(DSLContext db, AuditMacs macs, String mode, long i) {
        if (mode.startsWith("events-")) {
            event(db, macs, mode.equals("events-with"), i);
            return;
        }
        Map<String, Object> changes = i % 3 == 2 ? Map.of("role", Map.of("before", "OPERATOR", "after", "SUPERVISOR"))
                : null;
        db.transaction(configuration -> {
            if (mode.equals("with")) {
                AuditTrail trail = new AuditTrail(configuration.dsl(), macs);
                if (changes == null) {
                    trail.record("benchoperator", AuditTrail.Action.READ, "call", UUID.randomUUID(),
                            List.of("caller_number"));
                } else {
                    trail.record("benchoperator", AuditTrail.Action.CHANGE, "app_user", "benchuser", List.of("role"),
                            changes);
                }
            } else {
                configuration.dsl().insertInto(DSL.table(DSL.name("hotline", "audit_log_before")))
                        .set(DSL.field(DSL.name("actor")), "benchoperator")
                        .set(DSL.field(DSL.name("action")), changes == null ? "READ" : "CHANGE")
                        .set(DSL.field(DSL.name("entity")), changes == null ? "call" : "app_user")
                        .set(DSL.field(DSL.name("entity_id")), changes == null ? UUID.randomUUID().toString()
                                : "benchuser")
                        .set(DSL.field(DSL.name("fields"), String[].class),
                                new String[] {changes == null ? "caller_number" : "role"})
                        .set(DSL.field(DSL.name("changes"), JSONB.class), changes == null ? null
                                : JSONB.valueOf("{\"role\": {\"before\": \"OPERATOR\", \"after\": \"SUPERVISOR\"}}"))
                        .execute();
            }
        });
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
