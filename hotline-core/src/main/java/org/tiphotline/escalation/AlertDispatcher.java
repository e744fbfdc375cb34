package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.Calls;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.intake.Situation;
import org.tiphotline.protection.AuditTrail;

/**
 * Works through the alert outbox: each alert goes to the channel its recipient names and is marked sent, or
 * failed with the reason (no call or victim data in it). Identifying details go only where the escalation's
 * disclosure holds at that moment and the channel may carry them, each time with an EXPORT audit row. A failed alert is not retried on the same channel:
 * the escalation's next deadline sends the next round through the next channel, and the supervisors.
 * Supervisors' alerts are published as {@link SupervisorAlert} for their live view and sent to every channel of
 * {@code hotline.escalation.supervisor-alerts}: someone must notice even when nobody has the page open.
 */
@Service
public class AlertDispatcher {

    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);

    /** For supervisors' live views: an escalation needs them (nobody acknowledged in time). */
    public record SupervisorAlert(Escalation.Id escalation, String agency, int round) {}

    /**
     * An alert that could not be delivered: the design says alerts fail visibly, so the supervisors' page shows it
     * (issue 17). Carries no reason and no target, only which escalation, agency and round.
     */
    public record AlertFailed(Escalation.Id escalation, String agency, int round) {}

    private final Escalations escalations;
    private final Directory directory;
    private final EscalationSettings settings;
    private final Calls calls;
    private final DSLContext db;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Map<Directory.Channel, AlertChannel> channels;
    private final AcknowledgementLinks links;
    private final Disclosures disclosures;

    private final Leadership leadership;

    public AlertDispatcher(Escalations escalations, Directory directory, EscalationSettings settings, Calls calls,
            DSLContext db, Clock clock, ApplicationEventPublisher events, List<AlertChannel> channels,
            AcknowledgementLinks links, Disclosures disclosures, Leadership leadership) {
        this.leadership = leadership;
        this.links = links;
        this.disclosures = disclosures;
        this.escalations = escalations;
        this.directory = directory;
        this.settings = settings;
        this.calls = calls;
        this.db = db;
        this.clock = clock;
        this.events = events;
        this.channels = channels.stream().collect(Collectors.toMap(AlertChannel::channel, Function.identity()));
    }

    /** Alerts are sent by the leading node. */
    @Scheduled(fixedDelayString = "${hotline.escalation.tick:1s}")
    public void scheduledDispatch() {
        if (leadership.leads()) {
            dispatch();
        }
    }

    /**
     * A node that takes the lead frees the claims other nodes still hold at once, rather than waiting out
     * {@link #CLAIM}: the lead passes when the last leader's database session ended (it died or stopped) or it
     * could no longer reach the database, so nobody will mark those alerts sent, and an urgent alert must not wait
     * 30 s for a claim nobody honours. The cost is at most a second copy of an alert the old leader was still
     * sending when it lost the lead, which the at-least-once rule allows (docs/reliability.md).
     */
    @org.springframework.context.event.EventListener(Leadership.Gained.class)
    public void freeClaimsOfFormerLeaders() {
        int freed = db.update(ESCALATION_ALERT).setNull(ESCALATION_ALERT.CLAIMED_UNTIL)
                .where(ESCALATION_ALERT.SENT_AT.isNull()).and(ESCALATION_ALERT.FAILURE.isNull())
                .and(ESCALATION_ALERT.CLAIMED_UNTIL.isNotNull())
                .and(ESCALATION_ALERT.CLAIMED_BY.isDistinctFrom(leadership.node())).execute();
        if (freed > 0) {
            log.warn("{} alerts claimed by a former leader and not sent are sent again by node {}", freed,
                    leadership.node());
        }
    }

    /**
     * Sends what is due; returns how many alerts were handled (sent or failed). Each alert is claimed first
     * ({@link #CLAIM}): another node running this at the same time (a leader that has not yet noticed it lost the
     * lead) claims other alerts, never the same. Up to 50 per run, as before.
     */
    public int dispatch() {
        int handled = 0;
        Optional<AlertRounds.PendingAlert> claimed;
        while (handled < 50 && (claimed = claim()).isPresent()) {
            AlertRounds.PendingAlert alert = claimed.get();
            Escalation e = escalations.find(alert.escalation()).orElseThrow();
            String failure = null;
            try {
                if (alert.recipient().equals(AlertRounds.SUPERVISORS)) {
                    events.publishEvent(new SupervisorAlert(e.id(), e.agency(), alert.round()));
                } else if (alert.recipient().startsWith(AlertRounds.SUPERVISOR_CHANNEL)) {
                    toSupervisors(e, alert);
                } else {
                    deliver(e, alert);
                }
            } catch (RuntimeException ex) {
                failure = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                log.warn("alert round {} of escalation {} to {} failed: {}", alert.round(), e.id(),
                        alert.recipient(), failure);
            }
            if (failure == null) {
                db.update(ESCALATION_ALERT).set(ESCALATION_ALERT.SENT_AT, clock.instant().atOffset(ZoneOffset.UTC))
                        .setNull(ESCALATION_ALERT.CLAIMED_UNTIL)
                        .where(ESCALATION_ALERT.ID.eq(alert.id())).execute();
            } else {
                db.update(ESCALATION_ALERT)
                        .set(ESCALATION_ALERT.FAILURE, failure.substring(0, Math.min(failure.length(), 500)))
                        .setNull(ESCALATION_ALERT.CLAIMED_UNTIL)
                        .where(ESCALATION_ALERT.ID.eq(alert.id())).execute();
                events.publishEvent(new AlertFailed(e.id(), e.agency(), alert.round()));
            }
            handled++;
        }
        return handled;
    }

    /**
     * How long a claim holds: longer than any channel takes to accept or refuse (webhooks and SMS give up after
     * 13 s), so a node still sending is never overtaken; a node that died mid-send is, once it runs out.
     */
    static final java.time.Duration CLAIM = java.time.Duration.ofSeconds(30);

    /**
     * The oldest due alert nobody holds, claimed in one autocommitted statement (SKIP LOCKED: two nodes claiming at
     * once take different rows). The send then runs outside any transaction, as before: the export's audit row
     * commits before the attempt, whatever happens to this node afterwards.
     */
    Optional<AlertRounds.PendingAlert> claim() {
        java.time.OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        var free = db.select(ESCALATION_ALERT.ID).from(ESCALATION_ALERT)
                .where(ESCALATION_ALERT.SENT_AT.isNull()).and(ESCALATION_ALERT.FAILURE.isNull())
                .and(ESCALATION_ALERT.CLAIMED_UNTIL.isNull().or(ESCALATION_ALERT.CLAIMED_UNTIL.le(now)))
                .orderBy(ESCALATION_ALERT.DUE_AT).limit(1).forUpdate().skipLocked();
        return db.update(ESCALATION_ALERT)
                .set(ESCALATION_ALERT.CLAIMED_UNTIL, now.plus(CLAIM))
                .set(ESCALATION_ALERT.CLAIMED_BY, leadership.node())
                .where(ESCALATION_ALERT.ID.eq(free))
                .returningResult(ESCALATION_ALERT.ID, ESCALATION_ALERT.ESCALATION_ID, ESCALATION_ALERT.ROUND,
                        ESCALATION_ALERT.RECIPIENT)
                .fetchOptional(r -> new AlertRounds.PendingAlert(r.value1(), new Escalation.Id(r.value2()),
                        r.value3(), r.value4()));
    }

    private void deliver(Escalation e, AlertRounds.PendingAlert alert) {
        Directory.Agency agency = directory.agency(e.agency())
                .orElseThrow(() -> new IllegalStateException("agency " + e.agency() + " left the directory"));
        Directory.Alert target = agency.alerts().get(index(alert) % agency.alerts().size());
        AlertChannel channel = channelFor(target);
        Map<String, String> identifying = Map.of();
        String withheld = null;
        if (disclosures.mayDisclose(e).isPresent()) {
            if (channel.carriesIdentifying(target.target())) {
                // Audited as exported before the attempt: an attempt that fails may still have reached the agency,
                // and a crash before sending over-reports an export rather than hiding one.
                identifying = disclosures.details(e, "alert:" + agency.id(), AuditTrail.Action.EXPORT);
            } else {
                withheld = "this channel does not carry identifying details: read them in the hotline's liaison view";
            }
        }
        channel.send(target.target(), packet(e, agency, alert, identifying, withheld,
                links.link(e.id(), agency.id()).orElse(null), false));
    }

    /**
     * The agency missed its deadline: the supervisors hear of it on their own channels. Never with identifying
     * details (they read the escalation in the hotline) nor the agency's acknowledgement link.
     */
    private void toSupervisors(Escalation e, AlertRounds.PendingAlert alert) {
        if (index(alert) >= settings.supervisorAlerts().size()) {
            throw new IllegalStateException("supervisor alert channel " + index(alert) + " is no longer configured");
        }
        Directory.Alert target = settings.supervisorAlerts().get(index(alert));
        Directory.Agency agency = directory.agency(e.agency()).orElse(null);
        channelFor(target).send(target.target(), packet(e, agency, alert, Map.of(), null, null, true));
    }

    private AlertChannel channelFor(Directory.Alert target) {
        AlertChannel channel = channels.get(target.channel());
        if (channel == null) {
            throw new IllegalStateException("no " + target.channel() + " channel is configured in this hotline");
        }
        return channel;
    }

    private AlertPacket packet(Escalation e, Directory.Agency agency, AlertRounds.PendingAlert alert,
            Map<String, String> identifying, String withheld, String acknowledgeUrl, boolean forSupervisors) {
        Call call = e.call() == null ? null : calls.load(e.call()).orElse(null);
        Optional<Situation> situation = disclosures.situationOf(e);
        return new AlertPacket(e.id().toString(), e.agency(), agency == null ? e.agency() : agency.name(), e.level(),
                e.danger(), e.source(), e.raisedAt(), alert.round(), call == null ? null : call.language(),
                call != null && call.urgent(),
                situation.map(s -> new AlertPacket.Situation(s.place(), s.traffickingTypes(), s.minorInvolved(),
                        s.peopleInvolved(), s.victimSex())).orElse(null),
                identifying.isEmpty() && withheld == null ? null : e.disclosure(),
                identifying.isEmpty() ? null : identifying, withheld,
                new AlertPacket.CallbackRoute(settings.callbackLine(), reference(e.id())), acknowledgeUrl,
                forSupervisors);
    }

    /** The escalation's short reference, what an agency gives when it calls the hotline back. */
    public static String reference(Escalation.Id id) {
        return "E-" + id.toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
    }

    private static int index(AlertRounds.PendingAlert alert) {
        return Integer.parseInt(alert.recipient().substring(alert.recipient().indexOf(':') + 1));
    }
}
