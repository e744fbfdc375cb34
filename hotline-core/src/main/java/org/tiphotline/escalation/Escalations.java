package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;
import static org.tiphotline.db.Tables.ESCALATION_DISCLOSURE;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;

/**
 * Raises escalations and keeps after them until someone acknowledges. Every deadline is a column, so nothing
 * depends on a timer in memory: after a restart the next tick finds what is overdue. Each change and the alerts
 * it calls for are written in one transaction (the alerts as an outbox the senders work through), and the
 * facts are published only after the commit. Each step also goes into the call's timeline in the same
 * transaction, so the call log shows what became of an escalation even after the call ended.
 */
@Service
public class Escalations {

    /** Who the alerts of a round go to: the agency's channel for that round, and from round 2 the supervisors. */
    static final String SUPERVISORS = "supervisors";

    /** Prefix of a supervisors' alert channel's recipient: {@code supervisor:<index in supervisorAlerts>}. */
    static final String SUPERVISOR_CHANNEL = "supervisor:";

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Directory directory;
    private final EscalationSettings settings;
    private final Switchboard switchboard;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final org.tiphotline.registry.Registry registry;

    private final Leadership leadership;

    public Escalations(DSLContext db, TransactionTemplate tx, ApplicationEventPublisher events, Clock clock,
            Directory directory, EscalationSettings settings, Switchboard switchboard, FieldCipher cipher,
            AuditTrail audit, org.tiphotline.registry.Registry registry, Leadership leadership) {
        this.leadership = leadership;
        this.registry = registry;
        this.switchboard = switchboard;
        this.cipher = cipher;
        this.audit = audit;
        this.db = db;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
        this.directory = directory;
        this.settings = settings;
    }

    /**
     * An operator raises an escalation to an agency of the directory; its first alert goes out at once. The
     * reason is the operator's own words, kept encrypted: alerts carry the danger's code, and the words only
     * where identifying details may go.
     */
    public Escalation.Id raise(CallId call, ReportId report, String agency, Escalation.Level level,
            Escalation.Danger danger, String reason, OperatorId by) {
        if (danger == null) {
            throw new IllegalArgumentException("danger must be one of "
                    + java.util.Arrays.toString(Escalation.Danger.values()));
        }
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
            newEscalation(id, call, report, agency, level, Escalation.Source.OPERATOR, danger, null, by, now)
                    .set(ESCALATION.REASON_ENC, cipher.encrypt(reason.strip(), reasonOf(id))).execute();
            queueAlert(id, 1, "agency:0", now);
            step(call, report, null, id, agency, "RAISED", by,
                    Map.of("level", level.name(), "source", Escalation.Source.OPERATOR.name()));
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
        return raiseOnce(call, report, agency, level, Escalation.Source.RULE, Escalation.Danger.MINOR_AT_RISK,
                "rule: " + rule,
                new org.jooq.Field<?>[] {ESCALATION.REPORT_ID, ESCALATION.AGENCY});
    }

    /**
     * The caller said in the IVR that someone is in immediate danger: the agency is alerted before anyone has
     * answered, once per call and agency however often the answer is reported (a partial unique index).
     */
    public Optional<Escalation.Id> raiseByIvr(CallId call, String agency) {
        return raiseOnce(call, null, agency, Escalation.Level.IMMEDIATE, Escalation.Source.IVR,
                Escalation.Danger.NOT_STATED, "the caller answered in the phone menu that someone is in immediate danger",
                new org.jooq.Field<?>[] {ESCALATION.CALL_ID, ESCALATION.AGENCY});
    }

    private Optional<Escalation.Id> raiseOnce(CallId call, ReportId report, String agency, Escalation.Level level,
            Escalation.Source source, Escalation.Danger danger, String reason, org.jooq.Field<?>[] onceFor) {
        return raiseOnce(call, report, null, agency, level, source, danger, reason, onceFor);
    }

    /**
     * A rule's referral of a registry case to an agency (a victim under 18 in an online or screening report, or
     * an age a data manager records): once per case and agency, and not at all when one of the case's hotline
     * reports was already referred to that agency by the same rule.
     */
    public Optional<Escalation.Id> raiseByRuleForCase(org.tiphotline.registry.CaseId caseId, String agency,
            Escalation.Level level, String rule) {
        boolean referredByReport = db.fetchExists(db.selectOne().from(ESCALATION)
                .join(org.tiphotline.db.Tables.CASE_SOURCE)
                .on(org.tiphotline.db.Tables.CASE_SOURCE.HOTLINE_REPORT_ID.eq(ESCALATION.REPORT_ID))
                .where(org.tiphotline.db.Tables.CASE_SOURCE.CASE_ID.eq(caseId.value()))
                .and(ESCALATION.AGENCY.eq(agency)).and(ESCALATION.SOURCE.eq(Escalation.Source.RULE.name())));
        if (referredByReport) {
            return Optional.empty();
        }
        return raiseOnce(null, null, caseId, agency, level, Escalation.Source.RULE, Escalation.Danger.MINOR_AT_RISK,
                "rule: " + rule,
                new org.jooq.Field<?>[] {ESCALATION.CASE_ID, ESCALATION.AGENCY});
    }

    private Optional<Escalation.Id> raiseOnce(CallId call, ReportId report, org.tiphotline.registry.CaseId caseId,
            String agency, Escalation.Level level, Escalation.Source source, Escalation.Danger danger, String reason,
            org.jooq.Field<?>[] onceFor) {
        if (directory.agency(agency).isEmpty()) {
            throw new IllegalArgumentException("no agency '" + agency + "' in the directory");
        }
        Escalation.Id id = Escalation.Id.random();
        Instant now = clock.instant();
        Boolean raised = tx.execute(status -> {
            int inserted = newEscalation(id, call, report, agency, level, source, danger, reason, null, now)
                    .set(ESCALATION.CASE_ID, caseId == null ? null : caseId.value())
                    .onConflict(onceFor)
                    .where(ESCALATION.SOURCE.eq(source.name()))
                    .doNothing().execute();
            if (inserted == 1) {
                queueAlert(id, 1, "agency:0", now);
                step(call, report, caseId, id, agency, "RAISED", null,
                        Map.of("level", level.name(), "source", source.name()));
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
            step(e, "ACKNOWLEDGED", by, by == null ? Map.of("by", "link") : Map.of());
            return true;
        });
        if (Boolean.TRUE.equals(done)) {
            events.publishEvent(new Escalation.Acknowledged(id, agency, by));
        }
        return Boolean.TRUE.equals(done);
    }

    /**
     * What the agency did, as a code everyone involved may see, and a note that is free text about people, stored
     * encrypted. Acknowledges if needed; a later outcome replaces the earlier one (the timeline keeps both).
     */
    public void recordOutcome(Escalation.Id id, String actorAgency, Actor by, Escalation.Outcome outcome,
            String note) {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome must be one of "
                    + java.util.Arrays.toString(Escalation.Outcome.values()));
        }
        String cleanNote = note == null || note.isBlank() ? null : note.strip();
        if (cleanNote != null && cleanNote.length() > 2000) {
            throw new IllegalArgumentException("the note must be at most 2000 characters");
        }
        if ((outcome == Escalation.Outcome.NO_ACTION || outcome == Escalation.Outcome.OTHER) && cleanNote == null) {
            throw new IllegalArgumentException("say why in the note when the outcome is " + outcome);
        }
        Escalation found = find(id).orElseThrow(EscalationNotFound::new);
        if (!found.agency().equals(actorAgency)) {
            throw new NotYourAgency();
        }
        if (found.status() == Escalation.Status.CLOSED) {
            throw new IllegalStateException("this escalation is closed");
        }
        acknowledge(id, actorAgency, by.id());
        tx.executeWithoutResult(status -> {
            Escalation e = lock(id);
            if (e.status() == Escalation.Status.CLOSED) {
                throw new IllegalStateException("this escalation is closed");
            }
            db.update(ESCALATION).set(ESCALATION.OUTCOME_CODE, outcome.name())
                    .set(ESCALATION.OUTCOME_NOTE_ENC, cleanNote == null ? null : cipher.encrypt(cleanNote, noteOf(id)))
                    .set(ESCALATION.OUTCOME_AT, utc(clock.instant()))
                    .where(ESCALATION.ID.eq(id.value())).execute();
            if (cleanNote != null) {
                audit.record(by.username(), AuditTrail.Action.CHANGE, "escalation", id, List.of("outcomeNote"));
            }
            step(e, "OUTCOME", by.id(), Map.of("outcome", outcome.name()));
        });
        events.publishEvent(new Escalation.OutcomeRecorded(id, found.agency(), outcome));
    }

    /** The outcome's note, for a reader the caller has already allowed to see it; the read is audited. */
    public Optional<String> outcomeNote(Escalation.Id id, Actor reader) {
        return tx.execute(status -> db.select(ESCALATION.OUTCOME_NOTE_ENC).from(ESCALATION)
                .where(ESCALATION.ID.eq(id.value())).fetchOptional(ESCALATION.OUTCOME_NOTE_ENC)
                .map(enc -> {
                    audit.record(reader.username(), AuditTrail.Action.READ, "escalation", id, List.of("outcomeNote"));
                    return cipher.decrypt(enc, noteOf(id));
                }));
    }

    private static String noteOf(Escalation.Id id) {
        return "escalation.outcome_note:" + id;
    }

    /**
     * The operator's own words for why they escalated, for a reader the caller has already allowed (the operator
     * of the call, a supervisor, the agency under a disclosure that holds, its alert); the read is audited under
     * {@code takenBy}. Empty for a rule's or the phone menu's escalation, whose reason names no one.
     */
    public Optional<String> operatorReason(Escalation.Id id, String takenBy, AuditTrail.Action action) {
        return tx.execute(status -> db.select(ESCALATION.REASON_ENC).from(ESCALATION)
                .where(ESCALATION.ID.eq(id.value())).and(ESCALATION.REASON_ENC.isNotNull())
                .fetchOptional(ESCALATION.REASON_ENC)
                .map(enc -> {
                    audit.record(takenBy, action, "escalation", id, List.of("reason"));
                    return cipher.decrypt(enc, reasonOf(id));
                }));
    }

    private static String reasonOf(Escalation.Id id) {
        return "escalation.reason:" + id;
    }

    /**
     * Operators' reasons written before they were encrypted (V18) are encrypted at start-up, by the application
     * that holds the key; afterwards none is left in plain text. Rules' and the phone menu's reasons stay readable.
     */
    @org.springframework.context.event.EventListener(org.springframework.context.event.ContextRefreshedEvent.class)
    public int encryptPlainReasons() {
        Integer done = tx.execute(status -> {
            int n = 0;
            for (var r : db.select(ESCALATION.ID, ESCALATION.REASON).from(ESCALATION)
                    .where(ESCALATION.SOURCE.eq(Escalation.Source.OPERATOR.name()))
                    .and(ESCALATION.REASON.isNotNull()).forUpdate().fetch()) {
                Escalation.Id id = new Escalation.Id(r.value1());
                n += db.update(ESCALATION).set(ESCALATION.REASON_ENC, cipher.encrypt(r.value2(), reasonOf(id)))
                        .setNull(ESCALATION.REASON).where(ESCALATION.ID.eq(id.value())).execute();
            }
            return n;
        });
        return done == null ? 0 : done;
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
            step(e, "CLOSED", by, Map.of());
            return Optional.of(e);
        });
        closed.ifPresent(e -> events.publishEvent(new Escalation.Closed(id, e.agency(), reason.strip())));
        return closed.isPresent();
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
                Escalation e = map(r);
                int round = e.alertRound() + 1;
                int channels = directory.agency(e.agency()).map(a -> a.alerts().size()).orElse(1);
                queueAlert(e.id(), round, "agency:" + ((round - 1) % channels), now);
                queueAlert(e.id(), round, SUPERVISORS, now);
                for (int i = 0; i < settings.supervisorAlerts().size(); i++) {
                    queueAlert(e.id(), round, SUPERVISOR_CHANNEL + i, now);
                }
                java.time.Duration realert = directory.agency(e.agency()).map(Directory.Agency::realertEvery)
                        .orElse(null);
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

    public Optional<Escalation> find(Escalation.Id id) {
        return withDisclosure().where(ESCALATION.ID.eq(id.value())).fetchOptional().map(Escalations::map);
    }

    /**
     * How many escalations are past their deadline with nobody acknowledging: open, and already into a second round
     * of alerts ({@link #alertOverdue()} moved them there). The floor's alert (issue 20) asks this, so "overdue"
     * means the same on the wallboard as in the escalations' own alerts.
     */
    public int pastDeadline() {
        return db.fetchCount(ESCALATION, ESCALATION.STATUS.eq(Escalation.Status.OPEN.name())
                .and(ESCALATION.ALERT_ROUND.gt(1)));
    }

    /** What a liaison of this agency may see: its own escalations, newest first. */
    public List<Escalation> forAgency(String agency, int limit) {
        return withDisclosure().where(ESCALATION.AGENCY.eq(agency))
                .orderBy(ESCALATION.RAISED_AT.desc()).limit(Math.max(1, Math.min(limit, 500)))
                .fetch(Escalations::map);
    }

    /** Open and acknowledged-but-not-closed escalations, oldest first: what supervisors keep an eye on. */
    public List<Escalation> unclosed() {
        return withDisclosure().where(ESCALATION.STATUS.ne(Escalation.Status.CLOSED.name()))
                .orderBy(ESCALATION.RAISED_AT).fetch(Escalations::map);
    }

    /** Every escalation about a call or its report, oldest first: what the call's record shows. */
    public List<Escalation> about(CallId call, ReportId report) {
        org.jooq.Condition about = ESCALATION.CALL_ID.eq(call.value());
        if (report != null) {
            about = about.or(ESCALATION.REPORT_ID.eq(report.value()));
        }
        return withDisclosure().where(about).orderBy(ESCALATION.RAISED_AT).fetch(Escalations::map);
    }

    private org.jooq.SelectOnConditionStep<Record> withDisclosure() {
        return db.select(ESCALATION.asterisk(), ESCALATION_DISCLOSURE.BASIS).from(ESCALATION)
                .leftJoin(ESCALATION_DISCLOSURE).on(ESCALATION_DISCLOSURE.ESCALATION_ID.eq(ESCALATION.ID));
    }

    private void step(Escalation e, String step, OperatorId by, Map<String, String> more) {
        step(e.call(), e.report(), e.caseId(), e.id(), e.agency(), step, by, more);
    }

    /**
     * One step of the escalation into the call's timeline and the history of the cases it concerns (codes only:
     * no reason or note, which may name people). Joins the caller's transaction.
     */
    private void step(CallId call, ReportId report, org.tiphotline.registry.CaseId caseId, Escalation.Id id,
            String agency, String step, OperatorId by, Map<String, String> more) {
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("escalation", id.toString());
        detail.put("agency", agency);
        detail.put("step", step);
        detail.putAll(more);
        if (call != null) {
            switchboard.escalationStep(call, detail);
        }
        registry.escalationStep(caseId, report, call, by, detail);
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
            Escalation.Source source, Escalation.Danger danger, String reason, OperatorId by, Instant now) {
        return db.insertInto(ESCALATION)
                .set(ESCALATION.ID, id.value())
                .set(ESCALATION.CALL_ID, call == null ? null : call.value())
                .set(ESCALATION.REPORT_ID, report == null ? null : report.value())
                .set(ESCALATION.AGENCY, agency)
                .set(ESCALATION.LEVEL, level.name())
                .set(ESCALATION.SOURCE, source.name())
                .set(ESCALATION.DANGER, danger.name())
                .set(ESCALATION.REASON, reason)
                .set(ESCALATION.RAISED_BY, by == null ? null : by.value())
                .set(ESCALATION.RAISED_AT, utc(now))
                .set(ESCALATION.STATUS, Escalation.Status.OPEN.name())
                .set(ESCALATION.ALERT_ROUND, 1)
                .set(ESCALATION.NEXT_ALERT_AT, utc(now.plus(firstDeadline(agency, level))))
                .set(ESCALATION.ACKNOWLEDGE_DEADLINE, utc(now.plus(firstDeadline(agency, level))));
    }

    /** The agency's own deadline for this level if it has one, else the hotline's. */
    private java.time.Duration firstDeadline(String agency, Escalation.Level level) {
        Directory.Agency a = directory.agency(agency).orElseThrow();
        java.time.Duration own = level == Escalation.Level.IMMEDIATE ? a.acknowledgeWithin()
                : a.acknowledgeUrgentWithin();
        if (own != null) {
            return own;
        }
        return level == Escalation.Level.IMMEDIATE ? settings.acknowledgeWithin() : settings.acknowledgeUrgentWithin();
    }

    void queueAlert(Escalation.Id id, int round, String recipient, Instant now) {
        db.insertInto(ESCALATION_ALERT)
                .set(ESCALATION_ALERT.ID, UUID.randomUUID())
                .set(ESCALATION_ALERT.ESCALATION_ID, id.value())
                .set(ESCALATION_ALERT.ROUND, round)
                .set(ESCALATION_ALERT.RECIPIENT, recipient)
                .set(ESCALATION_ALERT.DUE_AT, utc(now))
                .onConflictDoNothing().execute();
    }

    /** Locks the escalation (not its disclosure) until the transaction ends. */
    Escalation lock(Escalation.Id id) {
        return withDisclosure().where(ESCALATION.ID.eq(id.value())).forUpdate().of(ESCALATION).fetchOptional()
                .map(Escalations::map).orElseThrow(EscalationNotFound::new);
    }

    private static Escalation map(Record r) {
        return new Escalation(new Escalation.Id(r.get(ESCALATION.ID)),
                r.get(ESCALATION.CALL_ID) == null ? null : new CallId(r.get(ESCALATION.CALL_ID)),
                r.get(ESCALATION.REPORT_ID) == null ? null : new ReportId(r.get(ESCALATION.REPORT_ID)),
                r.get(ESCALATION.AGENCY), Escalation.Level.valueOf(r.get(ESCALATION.LEVEL)),
                Escalation.Source.valueOf(r.get(ESCALATION.SOURCE)),
                Escalation.Danger.valueOf(r.get(ESCALATION.DANGER)),
                Escalation.Source.valueOf(r.get(ESCALATION.SOURCE)) == Escalation.Source.OPERATOR ? null
                        : r.get(ESCALATION.REASON),
                user(r.get(ESCALATION.RAISED_BY)), instant(r.get(ESCALATION.RAISED_AT)),
                Escalation.Status.valueOf(r.get(ESCALATION.STATUS)), r.get(ESCALATION.ALERT_ROUND),
                instant(r.get(ESCALATION.NEXT_ALERT_AT)), instant(r.get(ESCALATION.ACKNOWLEDGED_AT)),
                user(r.get(ESCALATION.ACKNOWLEDGED_BY)),
                r.get(ESCALATION.OUTCOME_CODE) == null ? null : Escalation.Outcome.valueOf(r.get(ESCALATION.OUTCOME_CODE)),
                instant(r.get(ESCALATION.OUTCOME_AT)), instant(r.get(ESCALATION.CLOSED_AT)),
                user(r.get(ESCALATION.CLOSED_BY)), r.get(ESCALATION.CLOSED_REASON),
                r.field(ESCALATION_DISCLOSURE.BASIS) == null || r.get(ESCALATION_DISCLOSURE.BASIS) == null ? null
                        : Escalation.Disclosure.valueOf(r.get(ESCALATION_DISCLOSURE.BASIS)),
                r.get(ESCALATION.CASE_ID) == null ? null : new org.tiphotline.registry.CaseId(r.get(ESCALATION.CASE_ID)));
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
