package org.tiphotline.routing;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.FLOOR_ALARM;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.EscalationSettings;
import org.tiphotline.escalation.StaffNotice;

/**
 * An urgent call still in the queue after {@link RoutingSettings#urgentAlarmAfter()} has nobody to take it (an
 * urgent call goes to any available operator at once, so one that waits found none): every supervisor is alarmed,
 * on their live page ({@link Raised}) and through the supervisors' alert channels
 * ({@code hotline.escalation.supervisor-alerts}, as for escalations nobody acknowledged), once per call. The alarm
 * stands until the call is answered or ends ({@link Cleared}). Issue 17: an urgent call waited 5 min 39 s and was
 * abandoned with no alarm to anyone. Nothing personal goes out: how long an urgent call has waited, no number.
 */
@Service
public class UrgentCallAlarm implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(UrgentCallAlarm.class);

    /** Every supervisor's screen raises the alarm for this call. */
    public record Raised(CallId call, long waitedSeconds, Instant raisedAt) {}

    /** The alarmed call was answered or ended: the alarm goes down. */
    public record Cleared(CallId call) {}

    private final RoutingView routing;
    private final DSLContext db;
    private final RoutingSettings settings;
    private final EscalationSettings escalation;
    private final Map<Directory.Channel, AlertChannel> channels;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    /** Calls this node has alarmed or found alarmed: the table is only asked once per call. */
    private final Set<CallId> alarmed = ConcurrentHashMap.newKeySet();
    private final ExecutorService sending = Executors.newVirtualThreadPerTaskExecutor();

    private final Leadership leadership;

    public UrgentCallAlarm(RoutingView routing, DSLContext db, RoutingSettings settings, EscalationSettings escalation,
            List<AlertChannel> channels, ApplicationEventPublisher events, Clock clock,
            Leadership leadership) {
        this.leadership = leadership;
        this.routing = routing;
        this.db = db;
        this.settings = settings;
        this.escalation = escalation;
        this.channels = channels.stream().collect(Collectors.toMap(AlertChannel::channel, Function.identity()));
        this.events = events;
        this.clock = clock;
    }

    /**
     * The node that gains the lead learns which calls are alarmed already (by the node it takes over from, or
     * before a restart), so it asks the table no more about them; the table's primary key alone already keeps it
     * from alarming anyone a second time.
     */
    @EventListener(Leadership.Gained.class)
    public void restore() {
        open().forEach(raised -> alarmed.add(raised.call()));
    }

    /** Only the leading node alarms: the other would send every supervisor alert a second time. */
    @Scheduled(fixedDelayString = "${hotline.routing.tick:500ms}")
    public void scheduledCheck() {
        if (leadership.leads()) {
            check();
        }
    }

    /** Raises the alarm of every urgent call that has waited too long; once per call, whichever node sees it. */
    public void check() {
        Instant now = clock.instant();
        clearAnswered(now);
        // Every tick on the leader: only the calls that qualify, not the whole routing state.
        for (RoutingView.Snapshot.WaitingCall waiting
                : routing.urgentWaitingSince(now.minus(settings.urgentAlarmAfter()))) {
            Duration waited = Duration.between(waiting.queuedAt(), now);
            if (!alarmed.add(waiting.call())) {
                continue;
            }
            // The primary key is the "once": a second node, or this one after a restart, inserts nothing.
            boolean first = db.insertInto(FLOOR_ALARM)
                    .set(FLOOR_ALARM.CALL_ID, waiting.call().value())
                    .set(FLOOR_ALARM.RAISED_AT, now.atOffset(ZoneOffset.UTC))
                    .set(FLOOR_ALARM.WAITED_SECONDS, (int) waited.toSeconds())
                    .onConflictDoNothing().execute() == 1;
            if (first) {
                log.info("urgent call {} has waited {} s with no operator available: supervisors alarmed",
                        waiting.call(), waited.toSeconds());
                Raised raised = new Raised(waiting.call(), waited.toSeconds(), now);
                events.publishEvent(raised);
                tellSupervisors(raised);
            }
        }
    }

    @EventListener
    public void on(Call.Answered answered) {
        clear(answered.call());
    }

    @EventListener
    public void on(Call.Ended ended) {
        clear(ended.call());
    }

    /** The alarms standing now, oldest first: what a supervisor's page opened later shows. */
    public List<Raised> open() {
        return db.select(FLOOR_ALARM.CALL_ID, FLOOR_ALARM.WAITED_SECONDS, FLOOR_ALARM.RAISED_AT)
                .from(FLOOR_ALARM).join(CALL).on(CALL.ID.eq(FLOOR_ALARM.CALL_ID))
                .where(FLOOR_ALARM.CLEARED_AT.isNull())
                .and(CALL.STATE.in(CallState.QUEUED.name(), CallState.RINGING.name()))
                .orderBy(FLOOR_ALARM.RAISED_AT)
                .fetch(r -> new Raised(new CallId(r.value1()), r.value2(), r.value3().toInstant()));
    }

    /** The words of the notice: how long an urgent call has waited, and where to look. */
    static StaffNotice notice(long waitedSeconds) {
        return new StaffNotice("Urgent call waiting, no operator available", "An urgent call has waited "
                + duration(waitedSeconds) + " and no operator is available to take it. Open the supervisor's page "
                + "of the hotline.");
    }

    /** A duration in the words of the alarms' notices: "45 s", "2 min 5 s". */
    public static String duration(long seconds) {
        return seconds < 60 ? seconds + " s" : seconds / 60 + " min " + seconds % 60 + " s";
    }

    private void clear(CallId call) {
        // Only calls this node knows alarmed reach the database: answers and ends run on providers' threads.
        if (!alarmed.remove(call)) {
            return;
        }
        int cleared = db.update(FLOOR_ALARM).set(FLOOR_ALARM.CLEARED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .where(FLOOR_ALARM.CALL_ID.eq(call.value())).and(FLOOR_ALARM.CLEARED_AT.isNull()).execute();
        if (cleared == 1) {
            events.publishEvent(new Cleared(call));
        }
    }

    /**
     * Alarms of calls answered or ended on another node go down here: that node's answer and end reach only its
     * own listeners, and it may not know the call was alarmed. One statement, on the open alarms' index.
     */
    private void clearAnswered(Instant now) {
        for (java.util.UUID call : db.update(FLOOR_ALARM).set(FLOOR_ALARM.CLEARED_AT, now.atOffset(ZoneOffset.UTC))
                .where(FLOOR_ALARM.CLEARED_AT.isNull())
                .and(FLOOR_ALARM.CALL_ID.in(org.jooq.impl.DSL.select(CALL.ID).from(CALL)
                        .where(CALL.ID.eq(FLOOR_ALARM.CALL_ID))
                        .and(CALL.STATE.notIn(CallState.QUEUED.name(), CallState.RINGING.name()))))
                .returningResult(FLOOR_ALARM.CALL_ID).fetch(r -> r.value1())) {
            alarmed.remove(new CallId(call));
            events.publishEvent(new Cleared(new CallId(call)));
        }
    }

    /** Every supervisors' channel, each on its own thread: a slow SMS gateway must not hold up the e-mail. */
    private void tellSupervisors(Raised raised) {
        StaffNotices.send(sending, channels, escalation.supervisorAlerts(), notice(raised.waitedSeconds()),
                "the urgent-call alarm of call " + raised.call());
    }

    @Override
    public void destroy() {
        sending.close();
    }
}
