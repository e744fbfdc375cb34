package org.tiphotline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tiphotline.testing.TestDatabase;

/**
 * Two nodes on one real PostgreSQL: one leads, the other follows, and the lead passes when the leader stops or
 * its database session dies (what PostgreSQL sees of a {@code kill -9}).
 */
class LeadershipTest {

    private final DataSource db = TestDatabase.get().dataSource();
    private final List<Object> aEvents = new CopyOnWriteArrayList<>();
    private final List<Object> bEvents = new CopyOnWriteArrayList<>();
    private final Leadership a = node("a", aEvents);
    private final Leadership b = node("b", bEvents);

    private Leadership node(String name, List<Object> events) {
        return new Leadership(db, events::add, new ClusterSettings(name, Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() {
        a.destroy();
        b.destroy();
    }

    @Test
    void theFirstNodeLeadsAndTheSecondFollows() {
        a.start();
        b.start();

        assertThat(a.leads()).isTrue();
        assertThat(aEvents).containsExactly(new Leadership.Gained("a"));
        assertThat(b.leads()).isFalse();
        assertThat(bEvents).isEmpty();
    }

    @Test
    void aLeaderThatStopsHandsTheLeadOn() {
        a.start();
        b.start();

        a.destroy();

        assertThat(a.leads()).isFalse();
        assertThat(aEvents).containsExactly(new Leadership.Gained("a"), new Leadership.Lost("a", "node stopping"));
        within3s(b::leads);
        // leads() turns true just before Gained is published: wait for the event itself.
        within3s(() -> !bEvents.isEmpty());
        assertThat(bEvents).containsExactly(new Leadership.Gained("b"));
    }

    /**
     * A rolling upgrade stops a node cleanly: its web server's graceful shutdown (a lifecycle stopped before any
     * bean is destroyed) waits up to half a minute for requests in flight. The lead must have passed by then, or
     * nobody runs the routing tick or holds the AMI link while it waits (4.9 s in the rolling-upgrade run).
     */
    @Test
    void aStoppingNodeStepsDownBeforeItsWebServerWaitsForRequestsInFlight() {
        java.util.concurrent.atomic.AtomicBoolean stillLed = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicBoolean otherLed = new java.util.concurrent.atomic.AtomicBoolean();
        var node = new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        node.registerBean("leadership", Leadership.class, () -> a);
        node.registerBean("webServerGracefulShutdown", org.springframework.context.SmartLifecycle.class,
                () -> new org.springframework.context.SmartLifecycle() {
                    private volatile boolean running;

                    @Override
                    public void start() {
                        running = true;
                    }

                    @Override
                    public void stop() {
                        // As Spring Boot's graceful shutdown: the requests in flight run on meanwhile.
                        stillLed.set(a.leads());
                        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                        while (!b.leads() && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        otherLed.set(b.leads());
                        running = false;
                    }

                    @Override
                    public boolean isRunning() {
                        return running;
                    }
                });
        node.refresh();
        a.start();
        b.start();
        assertThat(a.leads()).isTrue();

        node.close();

        assertThat(stillLed).as("the stopping node still led when its server began to wait").isFalse();
        assertThat(otherLed).as("the other node led while the stopping node's server waited").isTrue();
        assertThat(aEvents).containsExactly(new Leadership.Gained("a"), new Leadership.Lost("a", "node stopping"));
    }

    /**
     * Lost's listeners take their time (the AMI link logs off): the check that fell due meanwhile must not take the
     * lead back for the stopping node, which would then hold it until its process ends (11.7 s in the
     * rolling-upgrade run) with nobody leading.
     */
    @Test
    void aStoppingNodeNeverTakesTheLeadAgain() {
        List<Object> slowEvents = new CopyOnWriteArrayList<>();
        Leadership slow = new Leadership(db, event -> {
            slowEvents.add(event);
            if (event instanceof Leadership.Lost) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, new ClusterSettings("slow", Duration.ofMillis(100), Duration.ofSeconds(1)));
        try {
            slow.start();
            b.start();
            assertThat(slow.leads()).isTrue();

            slow.destroy();

            within3s(b::leads);
            assertThat(slow.leads()).isFalse();
            assertThat(slowEvents).containsExactly(new Leadership.Gained("slow"),
                    new Leadership.Lost("slow", "node stopping"));
        } finally {
            slow.destroy();
        }
    }

    @Test
    void whenTheLeadersSessionDiesTheOtherNodeLeadsAndTheOldLeaderStepsDown() {
        a.start();
        b.start();

        // What PostgreSQL sees when the leading process is killed: its session ends, and with it the lock.
        int killed = DSL.using(db, org.jooq.SQLDialect.POSTGRES).fetchValue(
                "select count(pg_terminate_backend(pid)) from pg_locks where locktype = 'advisory' and granted"
                        + " and (classid::bigint << 32) + objid::bigint = ?", Leadership.LOCK_KEY)
                instanceof Long n ? n.intValue() : -1;

        assertThat(killed).isEqualTo(1);
        within3s(b::leads);
        // leads() turns true just before Gained is published: wait for the event itself.
        within3s(() -> !bEvents.isEmpty());
        within3s(() -> !a.leads());
        within3s(() -> aEvents.size() == 2);
        assertThat(aEvents).hasSize(2).last().isInstanceOf(Leadership.Lost.class);
        assertThat(bEvents).containsExactly(new Leadership.Gained("b"));
    }

    private static void within3s(java.util.function.BooleanSupplier condition) {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 3 s").isLessThan(until);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aNodeNameIsGivenWhenNoneIsSet() {
        assertThat(new ClusterSettings(null, Duration.ofSeconds(1), Duration.ofSeconds(2)).node()).contains("@");
    }
}
