package org.tiphotline.console.floor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.Call;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.floor.Floor;
import org.tiphotline.floor.FloorAlerts;
import org.tiphotline.routing.Router;

/**
 * Publishes the floor to {@link FloorAccess#TOPIC}, recomputed from the database: once after a burst of call,
 * presence, queue or escalation events seen by this node (the burst's events within {@link #DEBOUNCE} go out as one
 * publish), and every {@link #REFRESH} from the leader, for what changes without an event (a new quarter, a waiting
 * call passing a threshold) and for events the other node saw when this one saw none. Both nodes may publish:
 * the figures come from the same rows, so they send the same figures.
 *
 * <p>{@code hotline.floor.live=false} leaves it out, for measuring what the floor costs the calls
 * (docs/benchmarks.md); the wallboard then shows its figures as of the page's loading.
 */
@Component
@ConditionalOnProperty(name = "hotline.floor.live", havingValue = "true", matchIfMissing = true)
class FloorPush implements DisposableBean {

    /** About a second: a supervisor's eye does not need less, and each publish costs two statements. */
    static final Duration DEBOUNCE = Duration.ofSeconds(1);

    static final Duration REFRESH = Duration.ofSeconds(15);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FloorPush.class);

    private final Floor floor;
    private final SimpMessagingTemplate messaging;
    private final Leadership leadership;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("floor-figures").daemon().factory());

    FloorPush(Floor floor, SimpMessagingTemplate messaging, Leadership leadership) {
        this.floor = floor;
        this.messaging = messaging;
        this.leadership = leadership;
        sender.scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    // Some of these are published inside a transaction or the router's lock: only a flag and a schedule here.
    @EventListener({Call.Event.class, Router.PresenceChanged.class, Router.QueueChanged.class,
            Escalation.Event.class})
    void changed() {
        if (pending.compareAndSet(false, true)) {
            sender.schedule(this::publish, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The floor's alerts changed: raised and cleared by the leader alone, so one publish reaches every page
     * (through the relay on two nodes).
     */
    @EventListener
    void on(FloorAlerts.Changed changed) {
        try {
            messaging.convertAndSend(FloorAccess.ALERTS_TOPIC, (Object) Map.of("alerts", changed.standing()));
        } catch (RuntimeException e) {
            log.warn("publishing the floor's alerts failed: {}", e.toString());
        }
    }

    private void refresh() {
        if (leadership.leads()) {
            publish();
        }
    }

    private void publish() {
        // Cleared before the read, so an event during it schedules the next publish.
        pending.set(false);
        try {
            messaging.convertAndSend(FloorAccess.TOPIC, floor.update());
        } catch (RuntimeException e) {
            log.warn("publishing the floor's figures failed: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
    }
}
