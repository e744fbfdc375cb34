package org.tiphotline.console.live;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.escalation.EscalationView;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.intake.ScreenPop;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Router;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.routing.RoutingSettings;
import org.tiphotline.routing.UrgentCallAlarm;

/**
 * Turns the core's facts into messages: the screen pop to the one operator the call rings at, call updates
 * to the operator concerned, presence to its owner, and the queue to reviewers.
 */
@Component
class LivePush implements DisposableBean {

    /**
     * Queue changes arriving within this window go out as one snapshot. Every routing decision changes the queue;
     * sending each one meant serialising the whole queue under the router's lock, which made callers' IVR steps
     * wait hundreds of milliseconds when many calls arrived at once (docs/benchmarks.md, FastAGI IVR). A quarter
     * of a second, not less: each snapshot reads the whole routing state, and at 50 ms these reads were the second
     * largest share of what the server allocated under the end-to-end benchmark's load (issue 19), for a change a
     * supervisor's eye takes longer than that to notice.
     */
    static final Duration QUEUE_COALESCING = Duration.ofMillis(250);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LivePush.class);

    private final SimpMessagingTemplate messaging;
    private final EveryTab tabs;
    private final Operators operators;
    private final Calls calls;
    private final RoutingView view;
    private final Escalations escalations;
    private final Map<OperatorId, String> usernames = new ConcurrentHashMap<>();
    /** Calls that rang out at an operator and wait again: who to tell if another operator gets them. */
    private final Map<org.tiphotline.calls.CallId, OperatorId> withdrawnFrom = new ConcurrentHashMap<>();
    private final RoutingSettings routing;
    private final PresenceWords presenceWords;
    private final AtomicBoolean queueSendPending = new AtomicBoolean();
    private final ScheduledExecutorService queueSender = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("supervisor-queue").daemon().factory());

    LivePush(SimpMessagingTemplate messaging, EveryTab tabs, Operators operators, Calls calls, RoutingView view,
            Escalations escalations, RoutingSettings routing, PresenceWords presenceWords) {
        this.tabs = tabs;
        this.presenceWords = presenceWords;
        this.routing = routing;
        this.messaging = messaging;
        this.operators = operators;
        this.calls = calls;
        this.view = view;
        this.escalations = escalations;
    }

    @EventListener
    void on(ScreenPop pop) {
        log.debug("screen pop for call {} to {}", pop.call(), pop.operatorUsername());
        tabs.send(pop.operatorUsername(), "/queue/pop", pop);
    }

    /**
     * Runs inside the router's lock (presence changes are published there, in order). It used to look the
     * operator up in the database each time: when the connection pool was busy, the router's lock waited for a
     * connection and every webhook and AGI session that reached routing waited behind it (JFR in the end-to-end
     * benchmark: ~1.5 s at p99 on an idle machine). A user's id never changes its username, so it is looked up
     * once.
     */
    @EventListener
    void on(Router.PresenceChanged changed) {
        String username = username(changed.operator());
        if (username != null) {
            tabs.send(username, "/queue/presence", presenceWords.of(changed));
        }
    }

    /**
     * An operator's after-call work ran past its maximum and they stay in it: every supervisor's page says who and
     * since when (staff data; the alert channels' notice names no one).
     */
    @EventListener
    void on(Router.WrapUpOverdue overdue) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("operator", overdue.operator().value());
        alert.put("name", operators.byId(overdue.operator()).map(Operator::displayName).orElse(null));
        alert.put("since", overdue.since());
        alert.put("maxSeconds", routing.wrapUpMax().toSeconds());
        toTopic("/topic/supervisor/wrapup", alert);
    }

    @EventListener
    void on(Router.QueueChanged changed) {
        if (queueSendPending.compareAndSet(false, true)) {
            queueSender.schedule(this::sendQueue, QUEUE_COALESCING.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void sendQueue() {
        // Cleared before the snapshot, so a change made while it is taken schedules the next one.
        queueSendPending.set(false);
        try {
            messaging.convertAndSend("/topic/supervisor/queue", view.snapshot());
        } catch (RuntimeException e) {
            log.warn("sending the live queue to supervisors failed: {}", e.toString());
        }
    }

    /**
     * An escalation changed: the agency's liaison users, the supervisors, and the operator who raised it see it
     * at once (the acknowledgement appears without a reload). The same view for all, naming no one.
     */
    @EventListener
    void on(Escalation.Event event) {
        escalations.find(event.escalation()).ifPresent(e -> {
            Map<String, Object> update = new LinkedHashMap<>(EscalationView.of(e));
            update.put("event", event.getClass().getSimpleName());
            toTopic("/topic/liaison/" + e.agency(), update);
            toTopic("/topic/supervisor/escalations", update);
            // The operator who raised it and the operator on the call (the IVR and the rules raise some too).
            java.util.Set<OperatorId> told = new java.util.HashSet<>();
            if (e.raisedBy() != null) {
                told.add(e.raisedBy());
            }
            if (e.call() != null) {
                calls.load(e.call()).map(c -> c.operator() != null ? c.operator() : c.lastOffered())
                        .ifPresent(told::add);
            }
            told.forEach(who -> {
                String username = username(who);
                if (username != null) {
                    tabs.send(username, "/queue/escalations", update);
                }
            });
        });
    }

    @Override
    public void destroy() {
        queueSender.shutdownNow();
    }

    /**
     * The operator whose phone rang or who talked learns the call moved on (answered, hung up, withdrawn). An
     * answer and an answered call's end carry all the update says, so they are sent without reading the call
     * back: these run on the provider's thread (a Twilio webhook waits for them).
     */
    @EventListener
    void on(Call.Event event) {
        switch (event) {
            case Call.Answered answered -> tell(answered.operator(), update(answered, CallState.TALKING, null));
            case Call.Ended ended when ended.operator() != null ->
                    tell(ended.operator(), update(ended, CallState.ENDED, ended.outcome()));
            case Call.Ended ended -> calls.load(ended.call()).ifPresent(call ->
                    tell(call.operator() != null ? call.operator() : call.lastOffered(),
                            update(ended, call.state(), call.outcome())));
            case Call.OfferUnanswered unanswered -> calls.load(unanswered.call()).ifPresent(call -> {
                Map<String, Object> update = update(unanswered, call.state(), call.outcome());
                // The console says why the operator was set away and where the call went, in words.
                update.put("why", Router.Unanswered.of(unanswered.reason()));
                update.put("offerTimeoutSeconds", routing.offerTimeout().toSeconds());
                if (call.state() != CallState.ENDED) {
                    withdrawnFrom.put(call.id(), unanswered.operator());
                }
                tell(unanswered.operator(), update);
            });
            default -> { }
        }
        switch (event) {
            case Call.Offered offered -> {
                // The operator who let it ring out learns it went on to someone else, only if it did.
                OperatorId before = withdrawnFrom.remove(offered.call());
                if (before != null && !before.equals(offered.operator())) {
                    Map<String, Object> update = update(offered, CallState.RINGING, null);
                    update.put("event", "OfferedElsewhere");
                    tell(before, update);
                }
            }
            case Call.Answered answered -> withdrawnFrom.remove(answered.call());
            case Call.Ended ended -> withdrawnFrom.remove(ended.call());
            default -> { }
        }
    }

    /** An urgent call waits with nobody to take it: every supervisor's page sounds the alarm. Nothing personal. */
    @EventListener
    void on(UrgentCallAlarm.Raised raised) {
        Map<String, Object> alarm = new LinkedHashMap<>();
        alarm.put("event", "Raised");
        alarm.put("call", raised.call());
        alarm.put("waitedSeconds", raised.waitedSeconds());
        alarm.put("raisedAt", raised.raisedAt());
        toTopic("/topic/supervisor/alarms", alarm);
    }

    @EventListener
    void on(UrgentCallAlarm.Cleared cleared) {
        toTopic("/topic/supervisor/alarms", Map.of("event", "Cleared", "call", cleared.call()));
    }

    /** Best effort, never throwing into the event's other listeners: see {@link EveryTab#send}. */
    private void toTopic(String destination, Object payload) {
        try {
            messaging.convertAndSend(destination, payload);
        } catch (org.springframework.messaging.MessagingException e) {
            log.warn("a live message to {} was not sent: {}", destination, e.getClass().getSimpleName());
        }
    }

    private static Map<String, Object> update(Call.Event event, CallState state, CallOutcome outcome) {
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("call", event.call());
        update.put("state", state);
        update.put("outcome", outcome);
        update.put("event", event.getClass().getSimpleName());
        return update;
    }

    private void tell(OperatorId operator, Map<String, Object> update) {
        String username = operator == null ? null : username(operator);
        if (username != null) {
            tabs.send(username, "/queue/call", update);
        }
    }

    private String username(OperatorId operator) {
        return usernames.computeIfAbsent(operator, id -> operators.byId(id).map(Operator::username).orElse(null));
    }
}
