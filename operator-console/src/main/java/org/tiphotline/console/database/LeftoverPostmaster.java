package org.tiphotline.console.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL runs as its own daemon, stopped by the application on its way out. An application
 * killed with SIGKILL (the OOM killer, {@code kill -9}, a crashed JVM) never stops it: the postmaster lives on,
 * holding the data directory. The next start then cannot start its own (the library does not check
 * {@code pg_ctl}'s exit status): on another port, which is the default ({@code port: 0}), the application fails to
 * start and the hotline stays down; on the same port it silently uses the old server with the old settings.
 * So before starting, a postmaster left by a run that is gone is shut down cleanly first.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    /** The library holds a lock on this file in the data directory for as long as its JVM runs. */
    private static final String OWNER_LOCK = "epg-lock";

    private LeftoverPostmaster() {
    }

    /**
     * Stops the postmaster named by the data directory's {@code postmaster.pid} when it still runs, serves this
     * data directory and no running application holds the directory; does nothing otherwise.
     */
    static void stopIfOrphaned(Path dataDirectory, Duration patience) throws IOException {
        Optional<ProcessHandle> postmaster = runningPostmaster(dataDirectory);
        if (postmaster.isEmpty() || ownedByALiveApplication(dataDirectory)) {
            return;
        }
        ProcessHandle pm = postmaster.get();
        log.warn("the PostgreSQL of a previous run that did not stop (pid {}) still holds {}: shutting it down",
                pm.pid(), dataDirectory);
        // SIGTERM: PostgreSQL's smart shutdown. The dead application's sessions are closed sockets already, so it
        // ends at once, with a checkpoint: the next start needs no crash recovery.
        pm.destroy();
        if (!exits(pm, patience)) {
            log.warn("PostgreSQL (pid {}) did not shut down within {}; killing it (the start recovers from WAL)",
                    pm.pid(), patience);
            pm.destroyForcibly();
            if (!exits(pm, Duration.ofSeconds(10))) {
                throw new IllegalStateException("could not stop the leftover PostgreSQL, pid " + pm.pid());
            }
        }
    }

    private static Optional<ProcessHandle> runningPostmaster(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2 || !Path.of(lines.get(1).trim()).normalize().equals(dataDirectory.normalize())) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        // A stale file after a reboot may name a pid that some other program has now: never signal that one.
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    }

    private static boolean ownedByALiveApplication(Path dataDirectory) throws IOException {
        try (FileChannel channel = FileChannel.open(dataDirectory.resolve(OWNER_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    private static boolean exits(ProcessHandle process, Duration patience) {
        try {
            process.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
