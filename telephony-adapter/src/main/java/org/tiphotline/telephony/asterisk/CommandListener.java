package org.tiphotline.telephony.asterisk;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * On the node holding the AMI link: listens for the NOTIFY of commands handed over by the other node, on a
 * connection of its own and a thread of its own, and wakes {@code onWake} for each batch of notifications, and
 * every {@code pollEvery} in case one was missed (a dropped connection, a NOTIFY sent while nobody listened).
 */
final class CommandListener implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);

    private final DataSource dataSource;
    private final Duration pollEvery;
    private final Runnable onWake;
    /** The listening thread; a thread that finds itself replaced (stopped, started again) ends. */
    private volatile Thread thread;

    CommandListener(DataSource dataSource, Duration pollEvery, Runnable onWake) {
        this.dataSource = dataSource;
        this.pollEvery = pollEvery;
        this.onWake = onWake;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        Thread listener = Thread.ofPlatform().daemon().name("asterisk-commands").unstarted(this::run);
        thread = listener;
        listener.start();
    }

    /** Stops listening at once; returns without waiting for the thread. */
    synchronized void stop() {
        Thread listener = thread;
        thread = null;
        if (listener != null) {
            listener.interrupt();
        }
    }

    private boolean listening() {
        return thread == Thread.currentThread();
    }

    private void run() {
        while (listening()) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CommandHandover.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                // What was handed over before this LISTEN is found by the first wake.
                wake();
                while (listening()) {
                    pg.getNotifications((int) pollEvery.toMillis());
                    if (listening()) {
                        wake();
                    }
                }
                try (Statement unlisten = connection.createStatement()) {
                    unlisten.execute("UNLISTEN *");
                }
            } catch (SQLException | RuntimeException e) {
                if (listening()) {
                    log.warn("listening for handed-over Asterisk commands failed: {}; again in 1 s",
                            e.getClass().getSimpleName());
                    sleep();
                }
            }
        }
    }

    private void wake() {
        try {
            onWake.run();
        } catch (RuntimeException e) {
            log.warn("carrying out handed-over Asterisk commands failed: {}", e.toString());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
