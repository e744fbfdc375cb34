package org.tiphotline.floor;

import static org.tiphotline.db.Tables.FLOOR_ALERT;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.EscalationSettings;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.escalation.StaffNotice;
import org.tiphotline.floor.FloorFigures.ServiceLevel;
import org.tiphotline.routing.StaffNotices;
import org.tiphotline.routing.UrgentCallAlarm;

/**
 * The floor's alerts (issue 20): a call waiting longer than {@link FloorAlertSettings#longestWait()}, a service level
 * under its target for the current interval, an urgent call waiting with nobody available (the urgent-call alarm's
 * own condition: {@link UrgentCallAlarm#open()}), an escalation past its deadline ({@link Escalations#pastDeadline()}).
 *
 * <p>Checked by the leading node only, from the database ({@link Floor#view}); each condition is raised once per
 * interval ({@link FloorAlertSettings#interval()}): the table's primary key (kind, interval) is the "once", so the
 * other node, or this one after a restart, raises nothing twice. An alert is cleared when its condition no longer
 * holds, or when its interval is over (the next interval raises it afresh if it still holds). Every change is
 * published as {@link Changed} for the wallboards and supervisors' pages.
 *
 * <p>Raising a long wait or a service level alert sends a notice to the supervisors' alert channels
 * ({@code hotline.escalation.supervisor-alerts}). The other two are not sent again: the urgent-call alarm sends its
 * own notice for each such call, and an escalation's rounds of alerts reach the same channels; a second notice for
 * the same fact would teach supervisors to ignore them. The words name no one: how long, how many, which level.
 */
@Service
public class FloorAlerts implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FloorAlerts.class);

    /** What an alert is about. */
    public enum Kind { LONG_WAIT, SERVICE_LEVEL, URGENT_UNATTENDED, ESCALATION_OVERDUE }

    /** A standing alert: what, in words, since when, and the interval it was raised in. */
    public record Alert(Kind kind, String words, Instant raisedAt, Instant intervalFrom, Instant intervalTo) {}

    /** The standing alerts changed (one raised, cleared, or its words changed): all of them now. */
    public record Changed(List<Alert> standing) {}

    private final Floor floor;
    private final FloorAlertSettings settings;
    private final UrgentCallAlarm urgentCalls;
    private final Escalations escalations;
    private final DSLContext db;
    private final EscalationSettings escalation;
    private final Map<Directory.Channel, AlertChannel> channels;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Leadership leadership;
    private final ExecutorService sending = Executors.newVirtualThreadPerTaskExecutor();

    public FloorAlerts(Floor floor, FloorAlertSettings settings, UrgentCallAlarm urgentCalls,
            Escalations escalations, DSLContext db, EscalationSettings escalation, List<AlertChannel> channels,
            ApplicationEventPublisher events, Clock clock, Leadership leadership) {
        this.floor = floor;
        this.settings = settings;
        this.urgentCalls = urgentCalls;
        this.escalations = escalations;
        this.db = db;
        this.escalation = escalation;
        this.channels = channels.stream().collect(Collectors.toMap(AlertChannel::channel, Function.identity()));
        this.events = events;
        this.clock = clock;
        this.leadership = leadership;
    }

    /** Only the leading node checks: the other would send the supervisors' notices a second time. */
    @Scheduled(fixedDelayString = "${hotline.floor.alerts.check-every:5s}")
    public void scheduledCheck() {
        if (settings.enabled() && leadership.leads()) {
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("checking the floor's alerts failed: {}", e.toString());
            }
        }
    }

    /** Raises, rewords and clears the floor's alerts as the database says now; the alerts standing afterwards. */
    public List<Alert> check() {
        Instant now = clock.instant();
        Floor.View view = floor.view(settings.interval());
        Map<Kind, String> holding = conditions(view);
        Instant from = view.interval().from();
        boolean changed = false;
        for (Kind kind : Kind.values()) {
            String words = holding.get(kind);
            if (words != null) {
                boolean raised = db.insertInto(FLOOR_ALERT).set(FLOOR_ALERT.KIND, kind.name())
                        .set(FLOOR_ALERT.INTERVAL_FROM, from.atOffset(ZoneOffset.UTC))
                        .set(FLOOR_ALERT.INTERVAL_TO, view.interval().to().atOffset(ZoneOffset.UTC))
                        .set(FLOOR_ALERT.RAISED_AT, now.atOffset(ZoneOffset.UTC)).set(FLOOR_ALERT.WORDS, words)
                        .onConflictDoNothing().execute() == 1;
                if (raised) {
                    log.info("floor alert raised: {}", kind);
                    send(kind, words);
                    changed = true;
                } else {
                    // Back in the same interval, or the same condition in other words: shown again, not sent again.
                    changed |= db.update(FLOOR_ALERT).setNull(FLOOR_ALERT.CLEARED_AT).set(FLOOR_ALERT.WORDS, words)
                            .where(FLOOR_ALERT.KIND.eq(kind.name()))
                            .and(FLOOR_ALERT.INTERVAL_FROM.eq(from.atOffset(ZoneOffset.UTC)))
                            .and(FLOOR_ALERT.CLEARED_AT.isNotNull().or(FLOOR_ALERT.WORDS.ne(words)))
                            .execute() > 0;
                }
            }
        }
        // One statement for every kind: what stands and is not a condition holding in this interval goes down.
        changed |= db.update(FLOOR_ALERT).set(FLOOR_ALERT.CLEARED_AT, now.atOffset(ZoneOffset.UTC))
                .where(FLOOR_ALERT.CLEARED_AT.isNull())
                .andNot(FLOOR_ALERT.KIND.in(holding.keySet().stream().map(Kind::name).toList())
                        .and(FLOOR_ALERT.INTERVAL_FROM.eq(from.atOffset(ZoneOffset.UTC))))
                .execute() > 0;
        List<Alert> standing = standing();
        if (changed) {
            events.publishEvent(new Changed(standing));
        }
        return standing;
    }

    /** The alerts standing now, oldest first: what a wallboard opened later shows. */
    public List<Alert> standing() {
        return db.selectFrom(FLOOR_ALERT).where(FLOOR_ALERT.CLEARED_AT.isNull()).orderBy(FLOOR_ALERT.RAISED_AT,
                FLOOR_ALERT.KIND).fetch(r -> new Alert(Kind.valueOf(r.getKind()), r.getWords(),
                        r.getRaisedAt().toInstant(), r.getIntervalFrom().toInstant(), r.getIntervalTo().toInstant()));
    }

    /** Each condition that holds now, with its words. */
    private Map<Kind, String> conditions(Floor.View view) {
        Map<Kind, String> holding = new EnumMap<>(Kind.class);
        long waited = view.now().longestWaitSeconds();
        if (!settings.longestWait().isZero() && waited > settings.longestWait().toSeconds()) {
            holding.put(Kind.LONG_WAIT, "A call has waited more than "
                    + UrgentCallAlarm.duration(settings.longestWait().toSeconds()) + " for an operator.");
        }
        FloorFigures.Figures f = view.interval().figures();
        if (settings.serviceLevel()) {
            String under = java.util.stream.Stream.of(f.serviceLevelFirst(), f.serviceLevelSecond())
                    .filter(l -> l.percent() != null && l.counted() >= settings.serviceLevelMinCalls()
                            && !l.meetsTarget())
                    .map(FloorAlerts::level).collect(Collectors.joining(", "));
            if (!under.isEmpty()) {
                holding.put(Kind.SERVICE_LEVEL, "Service level under target for " + view.interval().label() + ": "
                        + under + ".");
            }
        }
        int urgent = urgentCalls.open().size();
        if (urgent > 0) {
            holding.put(Kind.URGENT_UNATTENDED, (urgent == 1 ? "An urgent call is" : urgent + " urgent calls are")
                    + " waiting and no operator is available.");
        }
        int overdue = escalations.pastDeadline();
        if (overdue > 0) {
            holding.put(Kind.ESCALATION_OVERDUE, overdue == 1
                    ? "An escalation is past its deadline and the agency has not acknowledged it."
                    : overdue + " escalations are past their deadline and the agencies have not acknowledged them.");
        }
        return holding;
    }

    private static String level(ServiceLevel l) {
        return String.format(Locale.ROOT, "%.1f %% answered within %d s (target %.0f %%)", l.percent(),
                l.thresholdSeconds(), l.target());
    }

    private void send(Kind kind, String words) {
        if (kind == Kind.LONG_WAIT || kind == Kind.SERVICE_LEVEL) {
            StaffNotices.send(sending, channels, escalation.supervisorAlerts(), new StaffNotice(
                    kind == Kind.LONG_WAIT ? "Long wait on the hotline" : "Service level under target",
                    words + " Open the wallboard or the supervisor's page of the hotline."), "the floor alert " + kind);
        }
    }

    @Override
    public void destroy() {
        sending.close();
    }
}
