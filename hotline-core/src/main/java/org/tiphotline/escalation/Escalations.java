package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.OperatorId;

/**
 * Raises escalations and keeps after them until someone acknowledges. Every deadline is a column, so nothing
 * depends on a timer in memory: after a restart the next tick finds what is overdue. Each change and the alerts
 * it calls for are written in one transaction (the alerts as an outbox the senders work through), and the
 * facts are published only after the commit.
 */
@Service
public class Escalations {

    /** Who the alerts of a round go to: the agency's channel for that round, and from round 2 the supervisors. */
    static final String SUPERVISORS = "supervisors";

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Directory directory;
    private final EscalationSettings settings;

    public Escalations(DSLContext db, TransactionTemplate tx, ApplicationEventPublisher events, Clock clock,
            Directory directory, EscalationSettings settings) {
        this.db = db;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
        this.directory = directory;
        this.settings = settings;
    }

    /** Raises an escalation to an agency of the directory; its first alert goes out at once. */
    public Escalation.Id raise(CallId call, ReportId report, String agency, Escalation.Level level,
            Escalation.Source source, String reason, OperatorId by) {
        if (directory.agency(agency).isEmpty()) {
            throw new IllegalArgumentException("no agency '" + agency + "' in the directory");
        }
        if (call == null && report == null) {
            throw new IllegalArgumentException("an escalation is about a call or a report");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new IllegalArgumentException("reason must be 1-500 characters");
        }
        Escalation.Id id = Escalation.Id.random();
        Instant now = clock.instant();
        tx.executeWithoutResult(status -> {
            newEscalation(id, call, report, agency, level, source, reason.strip(), by, now).execute();
            queueAlert(id, 1, "agency:0", now);
        });
        events.publishEvent(new Escalation.Raised(id, agency, level));
        return id;
    }

    /**
     * A rule's referral of a report to an agency: raised once per report and agency however often the rule fires
     * (a partial unique index). Returns the escalation if this call raised it.
     */
    public Optional<Escalation.Id> raiseByRule(CallId call, ReportId report, String agency, Escalation.Level level,
            String rule) {
        if (directory.agency(agency).isEmpty()) {
            throw new IllegalArgumentException("no agency '" + agency + "' in the directory");
        }
        Escalation.Id id = Escalation.Id.random();
        Instant now = clock.instant();
        Boolean raised = tx.execute(status -> {
            int inserted = newEscalation(id, call, report, agency, level, Escalation.Source.RULE, "rule: " + rule,
                    null, now)
                    .onConflict(ESCALATION.REPORT_ID, ESCALATION.AGENCY)
                    .where(ESCALATION.SOURCE.eq(Escalation.Source.RULE.name()))
                    .doNothing().execute();
            if (inserted == 1) {
                queueAlert(id, 1, "agency:0", now);
            }
            return inserted == 1;
        });
        if (!Boolean.TRUE.equals(raised)) {
            return Optional.empty();
        }
        events.publishEvent(new Escalation.Raised(id, agency, level));
        return Optional.of(id);
    }

    /**
     * The agency takes it. Only a user of the agency it is addressed to; acknowledging twice is fine (the first
     * one counts). Returns whether this call acknowledged it.
     */
    public boolean acknowledge(Escalation.Id id, String actorAgency, OperatorId by) {
        return acknowledged(id, actorAgency, java.util.Objects.requireNonNull(by));
    }

    /**
     * Acknowledged through the signed link an alert carried (checked by the caller): nobody signed in, so no
     * user is recorded, only the time and that it came by link.
     */
    public boolean acknowledgeByLink(Escalation.Id id, String agency) {
        return acknowledged(id, agency, null);
    }

    private boolean acknowledged(Escalation.Id id, String agency, OperatorId by) {
        Boolean done = tx.execute(status -> {
            Escalation e = lock(id);
            if (!e.agency().equals(agency)) {
                throw new NotYourAgency();
            }
            if (e.status() != Escalation.Status.OPEN) {
                return false;
            }
            db.update(ESCALATION)
                    .set(ESCALATION.STATUS, Escalation.Status.ACKNOWLEDGED.name())
                    .set(ESCALATION.ACKNOWLEDGED_AT, utc(clock.instant()))
                    .set(ESCALATION.ACKNOWLEDGED_BY, by == null ? null : by.value())
                    .setNull(ESCALATION.NEXT_ALERT_AT)
                    .where(ESCALATION.ID.eq(id.value())).execute();
            return true;
        });
        if (Boolean.TRUE.equals(done)) {
            events.publishEvent(new Escalation.Acknowledged(id, agency, by));
        }
        return Boolean.TRUE.equals(done);
    }

    /** What the agency did (officers dispatched, victim removed, no action and why). Acknowledges if needed. */
    public void recordOutcome(Escalation.Id id, String actorAgency, OperatorId by, String outcome) {
        if (outcome == null || outcome.isBlank() || outcome.length() > 2000) {
            throw new IllegalArgumentException("outcome must be 1-2000 characters");
        }
        acknowledge(id, actorAgency, by);
        tx.executeWithoutResult(status -> {
            Escalation e = lock(id);
            if (e.status() == Escalation.Status.CLOSED) {
                throw new IllegalStateException("this escalation is closed");
            }
            db.update(ESCALATION).set(ESCALATION.OUTCOME, outcome.strip())
                    .set(ESCALATION.OUTCOME_AT, utc(clock.instant()))
                    .where(ESCALATION.ID.eq(id.value())).execute();
        });
    }

    /** A supervisor closes it, acknowledged or not, with a reason; nothing is alerted any more. */
    public boolean close(Escalation.Id id, OperatorId by, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new IllegalArgumentException("a reason (1-500 characters) is required to close an escalation");
        }
        Optional<Escalation> closed = tx.execute(status -> {
            Escalation e = lock(id);
            if (e.status() == Escalation.Status.CLOSED) {
                return Optional.<Escalation>empty();
            }
            db.update(ESCALATION)
                    .set(ESCALATION.STATUS, Escalation.Status.CLOSED.name())
                    .set(ESCALATION.CLOSED_AT, utc(clock.instant()))
                    .set(ESCALATION.CLOSED_BY, by.value())
                    .set(ESCALATION.CLOSED_REASON, reason.strip())
                    .setNull(ESCALATION.NEXT_ALERT_AT)
                    .where(ESCALATION.ID.eq(id.value())).execute();
            return Optional.of(e);
        });
        closed.ifPresent(e -> events.publishEvent(new Escalation.Closed(id, e.agency(), reason.strip())));
        return closed.isPresent();
    }

    /**
     * Every open escalation whose deadline has passed: the next round of alerts (the agency's next channel, and
     * the supervisors), and the next deadline. Safe to run on several nodes at once (rows are skipped while
     * another transaction holds them). Returns how many were overdue.
     */
    @Scheduled(fixedDelayString = "${hotline.escalation.tick:1s}")
    public int alertOverdue() {
        Instant now = clock.instant();
        List<Escalation.Overdue> overdue = tx.execute(status -> {
            List<Escalation.Overdue> found = new ArrayList<>();
            for (Record r : db.selectFrom(ESCALATION)
                    .where(ESCALATION.STATUS.eq(Escalation.Status.OPEN.name()))
                    .and(ESCALATION.NEXT_ALERT_AT.le(utc(now)))
                    .orderBy(ESCALATION.NEXT_ALERT_AT).limit(100)
                    .forUpdate().skipLocked().fetch()) {
                Escalation e = map(r);
                int round = e.alertRound() + 1;
                int channels = directory.agency(e.agency()).map(a -> a.alerts().size()).orElse(1);
                queueAlert(e.id(), round, "agency:" + ((round - 1) % channels), now);
                queueAlert(e.id(), round, SUPERVISORS, now);
                db.update(ESCALATION).set(ESCALATION.ALERT_ROUND, round)
                        .set(ESCALATION.NEXT_ALERT_AT, utc(now.plus(settings.realertEvery())))
                        .where(ESCALATION.ID.eq(e.id().value())).execute();
                found.add(new Escalation.Overdue(e.id(), e.agency(), round));
            }
            return found;
        });
        overdue.forEach(events::publishEvent);
        return overdue.size();
    }

    public Optional<Escalation> find(Escalation.Id id) {
        return db.selectFrom(ESCALATION).where(ESCALATION.ID.eq(id.value())).fetchOptional().map(Escalations::map);
    }

    /** What a liaison of this agency may see: its own escalations, newest first. */
    public List<Escalation> forAgency(String agency, int limit) {
        return db.selectFrom(ESCALATION).where(ESCALATION.AGENCY.eq(agency))
                .orderBy(ESCALATION.RAISED_AT.desc()).limit(Math.max(1, Math.min(limit, 500)))
                .fetch(Escalations::map);
    }

    /** Open and acknowledged-but-not-closed escalations, oldest first: what supervisors keep an eye on. */
    public List<Escalation> unclosed() {
        return db.selectFrom(ESCALATION).where(ESCALATION.STATUS.ne(Escalation.Status.CLOSED.name()))
                .orderBy(ESCALATION.RAISED_AT).fetch(Escalations::map);
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

    /** One alert of the outbox: {@code recipient} is {@code agency:<index of its channel>} or supervisors. */
    public record PendingAlert(UUID id, Escalation.Id escalation, int round, String recipient) {}

    /** The row of a new, open escalation whose first alert round is out and whose first deadline is set. */
    private org.jooq.InsertSetMoreStep<org.tiphotline.db.tables.records.EscalationRecord> newEscalation(
            Escalation.Id id, CallId call, ReportId report, String agency, Escalation.Level level,
            Escalation.Source source, String reason, OperatorId by, Instant now) {
        return db.insertInto(ESCALATION)
                .set(ESCALATION.ID, id.value())
                .set(ESCALATION.CALL_ID, call == null ? null : call.value())
                .set(ESCALATION.REPORT_ID, report == null ? null : report.value())
                .set(ESCALATION.AGENCY, agency)
                .set(ESCALATION.LEVEL, level.name())
                .set(ESCALATION.SOURCE, source.name())
                .set(ESCALATION.REASON, reason)
                .set(ESCALATION.RAISED_BY, by == null ? null : by.value())
                .set(ESCALATION.RAISED_AT, utc(now))
                .set(ESCALATION.STATUS, Escalation.Status.OPEN.name())
                .set(ESCALATION.ALERT_ROUND, 1)
                .set(ESCALATION.NEXT_ALERT_AT, utc(now.plus(level == Escalation.Level.IMMEDIATE
                        ? settings.acknowledgeWithin() : settings.acknowledgeUrgentWithin())));
    }

    private void queueAlert(Escalation.Id id, int round, String recipient, Instant now) {
        db.insertInto(ESCALATION_ALERT)
                .set(ESCALATION_ALERT.ID, UUID.randomUUID())
                .set(ESCALATION_ALERT.ESCALATION_ID, id.value())
                .set(ESCALATION_ALERT.ROUND, round)
                .set(ESCALATION_ALERT.RECIPIENT, recipient)
                .set(ESCALATION_ALERT.DUE_AT, utc(now))
                .onConflictDoNothing().execute();
    }

    private Escalation lock(Escalation.Id id) {
        return db.selectFrom(ESCALATION).where(ESCALATION.ID.eq(id.value())).forUpdate().fetchOptional()
                .map(Escalations::map).orElseThrow(EscalationNotFound::new);
    }

    private static Escalation map(Record r) {
        return new Escalation(new Escalation.Id(r.get(ESCALATION.ID)),
                r.get(ESCALATION.CALL_ID) == null ? null : new CallId(r.get(ESCALATION.CALL_ID)),
                r.get(ESCALATION.REPORT_ID) == null ? null : new ReportId(r.get(ESCALATION.REPORT_ID)),
                r.get(ESCALATION.AGENCY), Escalation.Level.valueOf(r.get(ESCALATION.LEVEL)),
                Escalation.Source.valueOf(r.get(ESCALATION.SOURCE)), r.get(ESCALATION.REASON),
                user(r.get(ESCALATION.RAISED_BY)), instant(r.get(ESCALATION.RAISED_AT)),
                Escalation.Status.valueOf(r.get(ESCALATION.STATUS)), r.get(ESCALATION.ALERT_ROUND),
                instant(r.get(ESCALATION.NEXT_ALERT_AT)), instant(r.get(ESCALATION.ACKNOWLEDGED_AT)),
                user(r.get(ESCALATION.ACKNOWLEDGED_BY)), r.get(ESCALATION.OUTCOME),
                instant(r.get(ESCALATION.OUTCOME_AT)), instant(r.get(ESCALATION.CLOSED_AT)),
                user(r.get(ESCALATION.CLOSED_BY)), r.get(ESCALATION.CLOSED_REASON));
    }

    private static OperatorId user(Long id) {
        return id == null ? null : new OperatorId(id);
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
