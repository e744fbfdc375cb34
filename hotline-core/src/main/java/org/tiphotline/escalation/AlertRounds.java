package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;
import static org.tiphotline.escalation.EscalationRows.utc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.cluster.Leadership;

/**
 * The escalations' alert outbox and its deadlines: each open escalation whose deadline passes gets its next round of
 * alerts (the agency's next channel, and the supervisors) as rows the {@link AlertDispatcher} sends. Every deadline
 * is a column, so nothing depends on a timer in memory: after a restart, or on a new leader, the next tick finds what
 * is overdue.
 */
@Service
public class AlertRounds {

    /** Who the alerts of a round go to: the agency's channel for that round, and from round 2 the supervisors. */
    static final String SUPERVISORS = "supervisors";

    /** Prefix of a supervisors' alert channel's recipient: {@code supervisor:<index in supervisorAlerts>}. */
    static final String SUPERVISOR_CHANNEL = "supervisor:";

    /** One alert of the outbox: {@code recipient} is {@code agency:<index of its channel>} or supervisors. */
    public record PendingAlert(UUID id, Escalation.Id escalation, int round, String recipient) {}

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Directory directory;
    private final EscalationSettings settings;
    private final Leadership leadership;

    public AlertRounds(DSLContext db, TransactionTemplate tx, ApplicationEventPublisher events, Clock clock,
            Directory directory, EscalationSettings settings, Leadership leadership) {
        this.db = db;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
        this.directory = directory;
        this.settings = settings;
        this.leadership = leadership;
    }

    /** Deadlines are watched by the leading node. */
    @Scheduled(fixedDelayString = "${hotline.escalation.tick:1s}")
    public void scheduledAlertOverdue() {
        if (leadership.leads()) {
            alertOverdue();
        }
    }

    /**
     * Every open escalation whose deadline has passed: the next round of alerts (the agency's next channel, and
     * the supervisors), and the next deadline. Safe to run on several nodes at once (rows are skipped while
     * another transaction holds them). Returns how many were overdue.
     */
    public int alertOverdue() {
        Instant now = clock.instant();
        List<Escalation.Overdue> overdue = tx.execute(status -> {
            List<Escalation.Overdue> found = new ArrayList<>();
            for (Record r : db.selectFrom(ESCALATION)
                    .where(ESCALATION.STATUS.eq(Escalation.Status.OPEN.name()))
                    .and(ESCALATION.NEXT_ALERT_AT.le(utc(now)))
                    .orderBy(ESCALATION.NEXT_ALERT_AT).limit(100)
                    .forUpdate().skipLocked().fetch()) {
                Escalation e = EscalationRows.map(r);
                int round = e.alertRound() + 1;
                int channels = directory.agency(e.agency()).map(a -> a.alerts().size()).orElse(1);
                queueAlert(e.id(), round, "agency:" + ((round - 1) % channels), now);
                queueAlert(e.id(), round, SUPERVISORS, now);
                for (int i = 0; i < settings.supervisorAlerts().size(); i++) {
                    queueAlert(e.id(), round, SUPERVISOR_CHANNEL + i, now);
                }
                Duration realert = directory.agency(e.agency()).map(Directory.Agency::realertEvery).orElse(null);
                db.update(ESCALATION).set(ESCALATION.ALERT_ROUND, round)
                        .set(ESCALATION.NEXT_ALERT_AT, utc(now.plus(realert != null ? realert
                                : settings.realertEvery())))
                        .where(ESCALATION.ID.eq(e.id().value())).execute();
                found.add(new Escalation.Overdue(e.id(), e.agency(), round));
            }
            return found;
        });
        overdue.forEach(events::publishEvent);
        return overdue.size();
    }

    /** Alerts still to send, oldest first, for the senders. */
    public List<PendingAlert> unsentAlerts(int limit) {
        return db.select(ESCALATION_ALERT.ID, ESCALATION_ALERT.ESCALATION_ID, ESCALATION_ALERT.ROUND,
                        ESCALATION_ALERT.RECIPIENT)
                .from(ESCALATION_ALERT).where(ESCALATION_ALERT.SENT_AT.isNull())
                .and(ESCALATION_ALERT.FAILURE.isNull())
                .orderBy(ESCALATION_ALERT.DUE_AT).limit(limit)
                .fetch(r -> new PendingAlert(r.value1(), new Escalation.Id(r.value2()), r.value3(), r.value4()));
    }

    /** One alert into the outbox, in the caller's transaction; a second of the same round and recipient is none. */
    void queueAlert(Escalation.Id id, int round, String recipient, Instant now) {
        db.insertInto(ESCALATION_ALERT)
                .set(ESCALATION_ALERT.ID, UUID.randomUUID())
                .set(ESCALATION_ALERT.ESCALATION_ID, id.value())
                .set(ESCALATION_ALERT.ROUND, round)
                .set(ESCALATION_ALERT.RECIPIENT, recipient)
                .set(ESCALATION_ALERT.DUE_AT, utc(now))
                .onConflictDoNothing().execute();
    }
}
