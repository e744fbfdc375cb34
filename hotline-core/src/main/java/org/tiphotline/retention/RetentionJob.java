package org.tiphotline.retention;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.tiphotline.cluster.Leadership;

/**
 * Retention's scheduled work, on the leading node only and on a thread of its own (the shared scheduler's thread
 * drives the routing tick, which must not wait for a batch of thousands of records): proposes the batches that are
 * due and erases those a leader approved. Stopping between two records is always safe; the next run goes on.
 */
@Component
public class RetentionJob implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final RetentionBatches batches;
    private final Leadership leadership;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("retention").daemon().factory());
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;

    public RetentionJob(RetentionBatches batches, Leadership leadership) {
        this.batches = batches;
        this.leadership = leadership;
    }

    @Scheduled(fixedDelayString = "${hotline.retention.check-every:1m}",
            initialDelayString = "${hotline.retention.first-after:30s}")
    public void scheduled() {
        wake();
    }

    /** Starts a run now on the leader (a batch just approved need not wait for the next tick). */
    public void wake() {
        if (leadership.leads() && !stopping && running.compareAndSet(false, true)) {
            worker.submit(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    log.warn("retention: a run stopped on {}; the next one resumes", e.getClass().getSimpleName());
                } finally {
                    running.set(false);
                }
            });
        }
    }

    /** Erases what is approved, then proposes what is due; returns the records looked at. */
    public long runOnce() {
        long seen = batches.runApproved(() -> leadership.leads() && !stopping);
        if (leadership.leads() && !stopping) {
            batches.proposeDue();
        }
        return seen;
    }

    @Override
    public void destroy() {
        stopping = true;
        worker.shutdownNow();
    }
}
