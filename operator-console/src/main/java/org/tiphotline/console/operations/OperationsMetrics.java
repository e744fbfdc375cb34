package org.tiphotline.console.operations;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.intake.ScreenPop;

/**
 * The hotline's own figures for Prometheus, none of them about a person (no tag carries a number, a name or an
 * id): calls waiting and alerts pending (from the database, so every node reports the whole hotline's figure),
 * screen pops this node pushed, whether this node leads and whether its live channel reaches its broker.
 *
 * <p>The two database figures are counted by a thread of this class every {@code hotline.operations.gauges-every}
 * and read from memory at a scrape: a scrape never waits on the database (while it is away the figures read NaN
 * rather than holding Prometheus up for HikariCP's timeout), and the routing tick's scheduler is never blocked.
 */
@Component
class OperationsMetrics implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OperationsMetrics.class);

    private final DSLContext db;
    private final Duration every;
    private final Counter pops;
    private final AtomicReference<Double> waiting = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> pending = new AtomicReference<>(Double.NaN);
    private final ScheduledExecutorService counting = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "operations-metrics");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean lastFailed;

    OperationsMetrics(MeterRegistry registry, DSLContext db, Leadership leadership, LiveChannelHealth liveChannel,
            @Value("${hotline.operations.gauges-every:10s}") Duration every) {
        this.db = db;
        this.every = every;
        Gauge.builder("hotline.calls.waiting", waiting, AtomicReference::get)
                .description("Calls waiting for an operator (queued or ringing at one)").register(registry);
        Gauge.builder("hotline.alerts.pending", pending, AtomicReference::get)
                .description("Escalation alerts not yet sent (and not failed)").register(registry);
        Gauge.builder("hotline.cluster.leader", leadership, l -> l.leads() ? 1 : 0)
                .description("1 when this node leads the scheduled work, else 0").register(registry);
        Gauge.builder("hotline.live.broker", liveChannel, l -> l.brokerAvailable() ? 1 : 0)
                .description("1 when this node's live channel reaches its STOMP broker, else 0").register(registry);
        pops = Counter.builder("hotline.screen.pops")
                .description("Screen pops this node pushed to an operator").register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    void startCounting() {
        counting.scheduleWithFixedDelay(this::count, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @EventListener
    void on(ScreenPop pop) {
        pops.increment();
    }

    /** Counts the database figures now (tests call it to skip the wait). */
    void count() {
        try {
            waiting.set((double) db.fetchCount(CALL, CALL.STATE.in("QUEUED", "RINGING")));
            pending.set((double) db.fetchCount(ESCALATION_ALERT, ESCALATION_ALERT.SENT_AT.isNull()
                    .and(ESCALATION_ALERT.FAILURE.isNull())));
            lastFailed = false;
        } catch (RuntimeException e) {
            waiting.set(Double.NaN);
            pending.set(Double.NaN);
            if (!lastFailed) {
                // Once per outage, and only the exception's class: a database error may quote a statement's values.
                log.warn("calls waiting and alerts pending could not be counted: {}", e.getClass().getSimpleName());
            }
            lastFailed = true;
        }
    }

    @Override
    public void destroy() {
        counting.shutdownNow();
    }
}
