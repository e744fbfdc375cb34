package org.tiphotline.calllog;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.OFFLINE_CONTACT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.Calls;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.CallerNumbers;

/**
 * Pages through calls newest first by keyset (arrival time, id), so page 500 costs what page 1 costs; filters
 * use the indexes on arrival, outcome and operator. Shows masked numbers only, so reading it is not an access
 * to personal data; the report behind a call is read through intake, which audits it. A search by caller number
 * is: the number is hashed as the switchboard hashes it on arrival, matched on the stored hash (its index), never
 * stored or logged, and the search itself leaves an audit row.
 */
@Service
public class CallLog {

    /** {@code caller}: a phone number as anyone writes it, or null. */
    public record Filter(Instant from, Instant to, CallOutcome outcome, OperatorId operator, String caller) {

        public Filter(Instant from, Instant to, CallOutcome outcome, OperatorId operator) {
            this(from, to, outcome, operator, null);
        }

        /** Without the number: a filter may end up in a log line or an exception message. */
        @Override
        public String toString() {
            return "Filter[from=" + from + ", to=" + to + ", outcome=" + outcome + ", operator=" + operator
                    + ", caller=" + (caller == null ? "none" : "(given)") + "]";
        }
    }

    /** Where the next page starts: the last row of the previous one. */
    public record Cursor(Instant arrivedAt, UUID id) {

        public static Cursor parse(String text) {
            String[] parts = text.split("_", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("cursor is malformed");
            }
            try {
                return new Cursor(Instant.ofEpochSecond(0, Long.parseLong(parts[0])), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor is malformed");
            }
        }

        @Override
        public String toString() {
            return (arrivedAt.getEpochSecond() * 1_000_000_000L + arrivedAt.getNano()) + "_" + id;
        }
    }

    /**
     * @param safeToCallBack the caller's IVR answer to "is it safe to call you back?"; null when never asked
     *     (withheld number, hung up before it)
     * @param quietMode the caller could not speak freely (IVR digit) or the operator switched to the yes/no script
     */
    public record Row(CallId call, Instant arrivedAt, String provider, String callerMask, String state,
            CallOutcome outcome, boolean urgent, String language, String callerType, long waitSeconds,
            long talkSeconds, String operatorName, ReportId report, String reportStatus, UUID caseId,
            String caseReference, CallDirection direction, String offlineChannel, String enteredByName, boolean quietMode,
            Boolean safeToCallBack) {}

    public record Page(List<Row> rows, Cursor next) {}

    public record Detail(Row summary, Map<String, String> ivrPath, List<CallEvent> timeline,
            Map<Long, String> operatorNames) {}

    private final DSLContext db;
    private final Calls calls;
    private final Clock clock;
    private final CallerNumbers numbers;
    private final AuditTrail audit;

    public CallLog(DSLContext db, Calls calls, Clock clock, CallerNumbers numbers, AuditTrail audit) {
        this.db = db;
        this.calls = calls;
        this.clock = clock;
        this.numbers = numbers;
        this.audit = audit;
    }

    /** In a transaction for the audit row of a search by caller number, which commits with the search or not. */
    @Transactional
    public Page page(Actor actor, Filter filter, Cursor after, int limit) {
        requireReviewer(actor);
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be between 1 and 200");
        }
        List<Condition> where = new ArrayList<>();
        if (filter.caller() != null) {
            if (!actor.is(Role.SUPERVISOR)) {
                throw new SecurityException("searching calls by caller number is for supervisors");
            }
            if (!CallerNumbers.isUsable(filter.caller())) {
                throw new IllegalArgumentException("caller must be a phone number of 3 to 20 digits");
            }
            audit.record(actor.username(), AuditTrail.Action.READ, "call_log", "search by caller",
                    List.of("callerNumber"));
            // Every hash key held: during a rotation of the hash key some calls still carry the old one's hash.
            where.add(CALL.CALLER_HASH.in(numbers.hashes(filter.caller())));
        }
        if (filter.from() != null) {
            where.add(CALL.ARRIVED_AT.ge(filter.from().atOffset(ZoneOffset.UTC)));
        }
        if (filter.to() != null) {
            where.add(CALL.ARRIVED_AT.lt(filter.to().atOffset(ZoneOffset.UTC)));
        }
        if (filter.outcome() != null) {
            where.add(CALL.OUTCOME.eq(filter.outcome().name()));
        }
        if (filter.operator() != null) {
            where.add(CALL.OPERATOR_ID.eq(filter.operator().value()));
        }
        if (after != null) {
            where.add(DSL.row(CALL.ARRIVED_AT, CALL.ID)
                    .lt(after.arrivedAt().atOffset(ZoneOffset.UTC), after.id()));
        }
        List<Row> rows = select().where(where).orderBy(CALL.ARRIVED_AT.desc(), CALL.ID.desc()).limit(limit + 1)
                .fetch(this::row);
        Cursor next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            Row last = rows.getLast();
            next = new Cursor(last.arrivedAt(), last.call().value());
        }
        return new Page(List.copyOf(rows), next);
    }

    public Detail detail(Actor actor, CallId id) {
        requireReviewer(actor);
        Record record = select().where(CALL.ID.eq(id.value())).fetchOne();
        if (record == null) {
            throw new org.tiphotline.calls.UnknownCall(id);
        }
        Call call = calls.load(id).orElseThrow();
        Map<Long, String> names = new java.util.HashMap<>();
        call.events().stream().filter(e -> e.operator() != null).map(e -> e.operator().value()).distinct()
                .forEach(op -> names.put(op, db.select(APP_USER.DISPLAY_NAME).from(APP_USER)
                        .where(APP_USER.ID.eq(op)).fetchOne(APP_USER.DISPLAY_NAME)));
        return new Detail(row(record), call.ivrPath(), call.events(), names);
    }

    private static void requireReviewer(Actor actor) {
        if (!actor.is(Role.SUPERVISOR, Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            throw new SecurityException("the call log is for supervisors and data managers");
        }
    }

    /** Who entered a contact recorded by hand (issue 18), when not the operator who took it. */
    private static final org.tiphotline.db.tables.AppUser ENTERED_BY = APP_USER.as("entered_by");

    private org.jooq.SelectOnConditionStep<? extends Record> select() {
        return db.select(CALL.ID, CALL.ARRIVED_AT, CALL.PROVIDER, CALL.CALLER_MASK, CALL.STATE, CALL.OUTCOME,
                        CALL.URGENT, CALL.LANGUAGE, CALL.CALLER_TYPE, CALL.QUEUED_AT, CALL.ANSWERED_AT,
                        CALL.ENDED_AT, APP_USER.DISPLAY_NAME, HOTLINE_REPORT.ID, HOTLINE_REPORT.STATUS,
                        REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE, CALL.DIRECTION, OFFLINE_CONTACT.CHANNEL,
                        ENTERED_BY.DISPLAY_NAME, CALL.QUIET_MODE, CALL.CALLBACK_SAFE)
                .from(CALL)
                .leftJoin(APP_USER).on(APP_USER.ID.eq(CALL.OPERATOR_ID))
                .leftJoin(HOTLINE_REPORT).on(HOTLINE_REPORT.CALL_ID.eq(CALL.ID))
                // The case the call's report belongs to: the call log and the registry point to each other.
                .leftJoin(CASE_SOURCE).on(CASE_SOURCE.HOTLINE_REPORT_ID.eq(HOTLINE_REPORT.ID))
                .leftJoin(REGISTRY_CASE).on(REGISTRY_CASE.ID.eq(CASE_SOURCE.CASE_ID))
                .leftJoin(OFFLINE_CONTACT).on(OFFLINE_CONTACT.CALL_ID.eq(CALL.ID))
                .leftJoin(ENTERED_BY).on(ENTERED_BY.ID.eq(OFFLINE_CONTACT.ENTERED_BY));
    }

    private Row row(Record r) {
        Instant now = clock.instant();
        Instant queued = instant(r.get(CALL.QUEUED_AT));
        Instant answered = instant(r.get(CALL.ANSWERED_AT));
        Instant ended = instant(r.get(CALL.ENDED_AT));
        long wait = queued == null ? 0
                : Duration.between(queued, answered != null ? answered : ended != null ? ended : now).toSeconds();
        long talk = answered == null ? 0 : Duration.between(answered, ended != null ? ended : now).toSeconds();
        UUID report = r.get(HOTLINE_REPORT.ID);
        return new Row(new CallId(r.get(CALL.ID)), r.get(CALL.ARRIVED_AT).toInstant(), r.get(CALL.PROVIDER),
                r.get(CALL.CALLER_MASK), r.get(CALL.STATE),
                r.get(CALL.OUTCOME) == null ? null : CallOutcome.valueOf(r.get(CALL.OUTCOME)), r.get(CALL.URGENT),
                r.get(CALL.LANGUAGE), r.get(CALL.CALLER_TYPE), wait, talk, r.get(APP_USER.DISPLAY_NAME),
                report == null ? null : new ReportId(report), r.get(HOTLINE_REPORT.STATUS), r.get(REGISTRY_CASE.ID),
                r.get(REGISTRY_CASE.REFERENCE), CallDirection.valueOf(r.get(CALL.DIRECTION)),
                r.get(OFFLINE_CONTACT.CHANNEL), r.get(ENTERED_BY.DISPLAY_NAME), r.get(CALL.QUIET_MODE),
                r.get(CALL.CALLBACK_SAFE));
    }

    private static Instant instant(java.time.OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
