package org.tiphotline.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Which node leads: the one holding a PostgreSQL session-level advisory lock on a connection of its own. The
 * leader runs the scheduled work (routing tick, deadlines, alert dispatch, sweeps) and holds the links only one
 * node may hold (the AMI link). A single node leads as soon as it is ready; with two, the second follows and
 * takes the lead within about {@link ClusterSettings#checkEvery()} of the leader's connection closing (its
 * process died or it stopped: PostgreSQL releases the lock with the session).
 *
 * <p>The leader checks its lock connection at the same pace and steps down (publishing {@link Lost}) as soon as
 * the check fails or takes longer than {@link ClusterSettings#checkTimeout()}: a leader cut off from the
 * database stops acting before PostgreSQL notices the dead session and lets another node lead. Work that must
 * never run twice still guards itself in the database (row locks, {@code SKIP LOCKED} claims): leading is a
 * matter of who does the work, not of what is correct.
 *
 * <p>{@link Gained} and {@link Lost} are published on the leadership thread; listeners that take long (connecting
 * to a PBX) hand their work to threads of their own.
 */
@Component
public class Leadership implements DisposableBean, ApplicationContextAware {

    /** This node now leads: start the work only the leader does, after resynchronising from the database. */
    public record Gained(String node) {}

    /** This node no longer leads ({@code why}: for the log): stop the work only the leader does, at once. */
    public record Lost(String node, String why) {}

    /** {@link Lost#why()} when this node steps down because it stops (a rolling upgrade, a restart). */
    public static final String STOPPING = "node stopping";

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /** The advisory lock's key: "tiphotline leader" in a number no other application of the database uses. */
    static final long LOCK_KEY = 0x7469_7068_6c65_6164L;

    private final DataSource dataSource;
    private final ApplicationEventPublisher events;
    private final ClusterSettings settings;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("leadership").daemon().factory());
    /** The lock's connection while this node leads; touched only on the leadership thread. */
    private Connection held;
    private volatile boolean leads;
    private volatile boolean stopped;
    private ApplicationContext context;

    public Leadership(DataSource dataSource, ApplicationEventPublisher events, ClusterSettings settings) {
        this.dataSource = dataSource;
        this.events = events;
        this.settings = settings;
    }

    /** Whether this node leads now. Scheduled work that only the leader does returns at once when not. */
    public boolean leads() {
        return leads;
    }

    public String node() {
        return settings.node();
    }

    /**
     * The first attempt once the application is ready (before other ready listeners), so a single node leads
     * from its first second; then a check every {@code checkEvery}.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void start() {
        if (stopped) {
            return;
        }
        try {
            checks.submit(this::check).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("first leadership check failed: {}", e.getCause().toString());
        }
        long every = settings.checkEvery().toMillis();
        checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            if (held == null) {
                // Not once stopping: a check that fell due while Lost's listeners ran would take the lead back and
                // hold it until the process ends, with nobody else able to lead.
                if (!stopped) {
                    tryToLead();
                }
            } else if (!held.isValid((int) settings.checkTimeout().toSeconds())) {
                stepDown("the lock's database connection no longer answers");
            }
        } catch (SQLException | RuntimeException e) {
            if (held != null) {
                stepDown("checking the lock failed: " + e.getClass().getSimpleName());
            } else {
                log.debug("could not try to lead: {}", e.toString());
            }
        }
    }

    private void tryToLead() throws SQLException {
        Connection connection = dataSource.getConnection();
        boolean got = false;
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet result = lock.executeQuery()) {
                    got = result.next() && result.getBoolean(1);
                }
            }
        } finally {
            if (!got) {
                connection.close();
            }
        }
        if (got) {
            held = connection;
            leads = true;
            log.info("node {} leads", settings.node());
            events.publishEvent(new Gained(settings.node()));
        }
    }

    private void stepDown(String why) {
        leads = false;
        Connection connection = held;
        held = null;
        log.warn("node {} no longer leads: {}", settings.node(), why);
        try {
            events.publishEvent(new Lost(settings.node(), why));
        } finally {
            closeQuietly(connection);
        }
    }

    /**
     * A node that stops steps down first, before anything else of its shutdown: the web server's graceful shutdown
     * then waits up to half a minute for requests in flight, and the other node must lead (routing tick, timers,
     * the AMI link) meanwhile, not after it. Published before any bean stops, so this node's own work still ends
     * as it would; a child context closing (none is used today) is not this node stopping.
     */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void on(ContextClosedEvent closing) {
        if (context == null || closing.getApplicationContext() == context) {
            destroy();
        }
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    /**
     * A node that stops hands the lead on at once: the lock is released with its connection, and the other
     * node takes it at its next check instead of after PostgreSQL notices a dead session. Only once: the check
     * loop ends with it, so a stopping node never takes the lead again.
     */
    @Override
    public synchronized void destroy() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            checks.submit(() -> {
                if (held != null) {
                    stepDown(STOPPING);
                }
            }).get(settings.checkTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("stepping down at stop: {}", e.toString());
        }
        checks.shutdownNow();
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            // Unlock first: a pool may keep the physical session open, and with it the session-level lock.
            try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock_all()")) {
                unlock.execute();
            }
        } catch (SQLException e) {
            log.debug("unlocking on a dead connection: {}", e.toString());
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the lock's connection: {}", e.toString());
        }
    }
}
