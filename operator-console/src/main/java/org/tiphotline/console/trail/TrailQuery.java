package org.tiphotline.console.trail;

import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLBACK_TASK_CALL;
import static org.tiphotline.db.Tables.CALLER_FLAG;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.db.Tables.SIGN_IN_EVENT;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * The trail's rows, newest first, from the audit log and the sign-in log together. Each log is read on its own with
 * keyset paging ({@code at, id} below the cursor, one index walked backwards, a page and one more row) and the two
 * are merged; so a page costs about the same on a log of millions of rows as on an empty one. A case's or a call's
 * rows are the rows of the records that belong to it: a case, its documents and the reports it was made of; a call,
 * its report, escalations, callback tasks, caller flags and earlier-contact listings.
 */
@Component
class TrailQuery {

    /** Where a row comes from; at the same instant the audit log's row comes first. */
    enum Source { SIGN_IN, AUDIT }

    /** One row as stored. {@code fields} and {@code changes} are the audit log's; the address the sign-in log's. */
    record Entry(Source source, long id, Instant at, String actor, String action, String entity, String entityId,
            List<String> fields, String changes, String address) {}

    /** Rows strictly older than this one come next. */
    record Cursor(Instant at, Source source, long id) {

        static Cursor parse(String text) {
            String[] parts = text.strip().split("\\.");
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException();
                }
                long micros = Long.parseLong(parts[0]);
                return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), Source.values()[Integer.parseInt(
                        parts[1])], Long.parseLong(parts[2]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor is malformed: use the 'next' of the page before", e);
            }
        }

        @Override
        public String toString() {
            return ChronoUnit.MICROS.between(Instant.EPOCH, at) + "." + source.ordinal() + "." + id;
        }
    }

    record Page(List<Entry> entries, Cursor next) {}

    private final DSLContext db;

    TrailQuery(DSLContext db) {
        this.db = db;
    }

    /** The case's id for its number; empty when no case has it. */
    java.util.Optional<UUID> caseId(String reference) {
        return db.select(REGISTRY_CASE.ID).from(REGISTRY_CASE).where(REGISTRY_CASE.REFERENCE.eq(reference))
                .fetchOptional(REGISTRY_CASE.ID);
    }

    boolean callExists(UUID call) {
        return db.fetchExists(CALL, CALL.ID.eq(call));
    }

    Page page(TrailFilter filter, UUID caseId, ZoneId zone, Cursor after, int limit) {
        List<Entry> rows = new ArrayList<>();
        if (filter.action() == null || !filter.action().fromSignIns()) {
            rows.addAll(audit(filter, caseId, zone, after, limit + 1));
        }
        // Sign-ins belong to people, not to records: a case's or a call's trail has none.
        if (!filter.narrowsToRecords() && (filter.action() == null || filter.action().fromSignIns())) {
            rows.addAll(signIns(filter, zone, after, limit + 1));
        }
        rows.sort(Comparator.comparing(Entry::at).thenComparing(Entry::source).thenComparingLong(Entry::id)
                .reversed());
        if (rows.size() <= limit) {
            return new Page(List.copyOf(rows), null);
        }
        List<Entry> page = List.copyOf(rows.subList(0, limit));
        Entry last = page.get(limit - 1);
        return new Page(page, new Cursor(last.at(), last.source(), last.id()));
    }

    private List<Entry> audit(TrailFilter filter, UUID caseId, ZoneId zone, Cursor after, int rows) {
        List<Condition> where = new ArrayList<>();
        if (filter.person() != null) {
            where.add(AUDIT_LOG.ACTOR.eq(filter.person()));
        }
        if (filter.action() != null) {
            // A literal, not a bind: so that the planner sees an export filter and takes the exports' partial index
            // (a generic plan of a prepared statement could not). The value is one of the enum's names.
            where.add(AUDIT_LOG.ACTION.eq(DSL.inline(filter.action().name())));
        }
        if (filter.start(zone) != null) {
            where.add(AUDIT_LOG.AT.ge(utc(filter.start(zone))));
        }
        if (filter.end(zone) != null) {
            where.add(AUDIT_LOG.AT.lt(utc(filter.end(zone))));
        }
        if (caseId != null) {
            where.add(ofCase(caseId));
        }
        if (filter.call() != null) {
            where.add(ofCall(filter.call()));
        }
        if (after != null) {
            where.add(before(after, Source.AUDIT, AUDIT_LOG.AT, AUDIT_LOG.ID));
        }
        return db.select(AUDIT_LOG.ID, AUDIT_LOG.AT, AUDIT_LOG.ACTOR, AUDIT_LOG.ACTION, AUDIT_LOG.ENTITY,
                        AUDIT_LOG.ENTITY_ID, AUDIT_LOG.FIELDS, AUDIT_LOG.CHANGES)
                .from(AUDIT_LOG).where(where).orderBy(AUDIT_LOG.AT.desc(), AUDIT_LOG.ID.desc()).limit(rows)
                .fetch(r -> new Entry(Source.AUDIT, r.value1(), r.value2().toInstant(), r.value3(), r.value4(),
                        r.value5(), r.value6(), r.value7() == null ? List.of() : List.of(r.value7()),
                        r.value8() == null ? null : r.value8().data(), null));
    }

    private List<Entry> signIns(TrailFilter filter, ZoneId zone, Cursor after, int rows) {
        List<Condition> where = new ArrayList<>();
        if (filter.person() != null) {
            where.add(SIGN_IN_EVENT.USERNAME.eq(filter.person()));
        }
        if (filter.action() != null) {
            where.add(SIGN_IN_EVENT.OUTCOME.in(filter.action().outcomes));
        }
        if (filter.start(zone) != null) {
            where.add(SIGN_IN_EVENT.AT.ge(utc(filter.start(zone))));
        }
        if (filter.end(zone) != null) {
            where.add(SIGN_IN_EVENT.AT.lt(utc(filter.end(zone))));
        }
        if (after != null) {
            where.add(before(after, Source.SIGN_IN, SIGN_IN_EVENT.AT, SIGN_IN_EVENT.ID));
        }
        return db.select(SIGN_IN_EVENT.ID, SIGN_IN_EVENT.AT, SIGN_IN_EVENT.USERNAME, SIGN_IN_EVENT.OUTCOME,
                        SIGN_IN_EVENT.ADDRESS)
                .from(SIGN_IN_EVENT).where(where).orderBy(SIGN_IN_EVENT.AT.desc(), SIGN_IN_EVENT.ID.desc())
                .limit(rows)
                .fetch(r -> new Entry(Source.SIGN_IN, r.value1(), r.value2().toInstant(), r.value3(), r.value4(),
                        null, null, List.of(), null, r.value5()));
    }

    /**
     * Older than the cursor in the merged order (at, then source, then id, all descending), for one log: at the
     * cursor's instant a log that sorts after the cursor's has nothing left, one that sorts before it has all.
     */
    private static Condition before(Cursor after, Source source, org.jooq.Field<OffsetDateTime> at,
            org.jooq.Field<Long> id) {
        OffsetDateTime t = utc(after.at());
        int order = source.compareTo(after.source());
        if (order < 0) {
            return at.le(t);
        }
        if (order > 0) {
            return at.lt(t);
        }
        return DSL.row(at, id).lt(t, after.id());
    }

    private Condition ofCase(UUID caseId) {
        List<String> documents = db.select(CASE_DOCUMENT.ID).from(CASE_DOCUMENT)
                .where(CASE_DOCUMENT.CASE_ID.eq(caseId)).fetch(r -> r.value1().toString());
        List<org.jooq.Record3<UUID, UUID, UUID>> sources = db.select(CASE_SOURCE.HOTLINE_REPORT_ID,
                CASE_SOURCE.ONLINE_REPORT_ID, CASE_SOURCE.SCREENING_REPORT_ID).from(CASE_SOURCE)
                .where(CASE_SOURCE.CASE_ID.eq(caseId)).fetch();
        Condition c = of("registry_case", List.of(caseId.toString())).or(of("case_document", documents));
        c = c.or(of("hotline_report", ids(sources.stream().map(r -> r.value1()))));
        c = c.or(of("online_report", ids(sources.stream().map(r -> r.value2()))));
        return c.or(of("screening_report", ids(sources.stream().map(r -> r.value3()))));
    }

    private Condition ofCall(UUID call) {
        List<String> reports = ids(db.select(HOTLINE_REPORT.ID).from(HOTLINE_REPORT)
                .where(HOTLINE_REPORT.CALL_ID.eq(call)).fetch(r -> r.value1()).stream());
        List<String> escalations = ids(db.select(ESCALATION.ID).from(ESCALATION).where(ESCALATION.CALL_ID.eq(call))
                .fetch(r -> r.value1()).stream());
        List<String> tasks = ids(Stream.concat(
                db.select(CALLBACK_TASK.ID).from(CALLBACK_TASK).where(CALLBACK_TASK.CALL_ID.eq(call))
                        .fetch(r -> r.value1()).stream(),
                db.select(CALLBACK_TASK_CALL.TASK_ID).from(CALLBACK_TASK_CALL)
                        .where(CALLBACK_TASK_CALL.CALL_ID.eq(call)).fetch(r -> r.value1()).stream()));
        List<String> flags = ids(db.select(CALLER_FLAG.ID).from(CALLER_FLAG).where(CALLER_FLAG.CALL_ID.eq(call))
                .fetch(r -> r.value1()).stream());
        return of("call", List.of(call.toString())).or(of("caller_history", List.of(call.toString())))
                .or(of("hotline_report", reports)).or(of("escalation", escalations))
                .or(of("callback_task", tasks)).or(of("caller_flag", flags));
    }

    private static Condition of(String entity, List<String> ids) {
        return ids.isEmpty() ? DSL.falseCondition() : AUDIT_LOG.ENTITY.eq(entity).and(AUDIT_LOG.ENTITY_ID.in(ids));
    }

    private static List<String> ids(Stream<UUID> ids) {
        return ids.filter(java.util.Objects::nonNull).distinct().map(UUID::toString).toList();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
