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
