package org.tiphotline.registry;

import static org.tiphotline.db.Sequences.REGISTRY_CASE_NUMBER;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.db.Tables.SCREENING_REPORT;
import static org.tiphotline.registry.CaseRecords.utc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.TableField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.intake.HotlineReport;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.intake.Situation;
import org.tiphotline.operators.OperatorId;

/**
 * The registry's intake of reports: each channel's report becomes a potential case or joins the case its earlier
 * reference names, hotline reports the moment they are submitted (and by a sweep when that moment was missed), and
 * the escalations about a report's call are written into the histories of the cases concerned.
 */
@Component
class CaseReceiving {

    private static final Logger log = LoggerFactory.getLogger(CaseReceiving.class);

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final CaseRecords records;
    private final Intake intake;
    private final ApplicationEventPublisher events;

    private final Leadership leadership;

    CaseReceiving(DSLContext db, TransactionTemplate tx, CaseRecords records, Intake intake,
            ApplicationEventPublisher events, Leadership leadership) {
        this.leadership = leadership;
        this.db = db;
        this.tx = tx;
        this.records = records;
        this.intake = intake;
        this.events = events;
    }

    /** See {@link Registry#receive(CaseSource, CaseFacts, OperatorId, String)}. */
    Registry.Created receive(CaseSource source, CaseFacts facts, OperatorId by, String earlierReference) {
        return tx.execute(status -> {
            Optional<Registry.Created> existing = caseOf(source);
            if (existing.isPresent()) {
                return existing.get();
            }
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("channel", source.channel().name());
            if (earlierReference != null) {
                Optional<String> reference = canonicalReference(earlierReference);
                Optional<Registry.Created> known = reference.flatMap(this::liveCaseOf);
                if (known.isPresent()) {
                    // Held like every other change of the case, so its history rows stay in order.
                    db.selectOne().from(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(known.get().id().value()))
                            .forUpdate().execute();
                    linkSource(known.get().id(), source, by, Map.of("earlierReference", earlierReference));
                    return known.get();
                }
                created.put("earlierReference", earlierReference);
                created.put("earlierReferenceFound", false);
                created.put("why", reference.isEmpty()
                        ? "not written as a reference (R-XXXX-XXXX, S-XXXX-XXXX or C-YYYY-NNNNNN)"
                        : "no report or case has this reference");
            }
            Instant now = records.clock.instant();
            CaseId id = CaseId.random();
            long number = db.nextval(REGISTRY_CASE_NUMBER).longValue();
            String reference = String.format("C-%d-%06d", LocalDate.ofInstant(now, ZoneOffset.UTC).getYear(), number);
            db.insertInto(REGISTRY_CASE)
                    .set(REGISTRY_CASE.ID, id.value())
                    .set(REGISTRY_CASE.REFERENCE, reference)
                    .set(REGISTRY_CASE.STATUS, CaseStatus.POTENTIAL.name())
                    .set(REGISTRY_CASE.SEX, facts.sex())
                    .set(REGISTRY_CASE.AGE, facts.age() == null ? null : facts.age().shortValue())
                    .set(REGISTRY_CASE.COUNTRY_OF_BIRTH, facts.countryOfBirth())
                    .set(REGISTRY_CASE.PLACE, facts.place())
                    .set(REGISTRY_CASE.PERIOD_FROM, facts.periodFrom())
                    .set(REGISTRY_CASE.PERIOD_TO, facts.periodTo())
                    .set(REGISTRY_CASE.EXPLOITATION_TYPES, facts.exploitationTypes().toArray(String[]::new))
                    .set(REGISTRY_CASE.FORM_VERSION, CaseForm.VERSION)
                    .set(REGISTRY_CASE.CREATED_AT, utc(now))
                    .set(REGISTRY_CASE.UPDATED_AT, utc(now))
                    .execute();
            records.event(id, "CREATED", by, created);
            linkSource(id, source, by, Map.of());
            events.publishEvent(new Registry.ProtectionFactsChanged(id, facts.minor(), facts.exploitationTypes()));
            return new Registry.Created(id, reference);
        });
    }

    /** The case a report belongs to now, if any. */
    Optional<Registry.Created> caseOf(CaseSource source) {
        return db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE).from(CASE_SOURCE)
                .join(REGISTRY_CASE).on(REGISTRY_CASE.ID.eq(CASE_SOURCE.CASE_ID))
                .where(sourceColumn(source).eq(source.report()))
                .fetchOptional(r -> new Registry.Created(new CaseId(r.value1()), r.value2()));
    }

    /** A submitted hotline report enters the registry at once. */
    @EventListener
    public void on(HotlineReport.Submitted submitted) {
        try {
            receiveHotline(submitted.report(), submitted.operator());
        } catch (RuntimeException e) {
            // The sweep below receives it later: a report is never left out of the registry.
            log.warn("hotline report {} did not reach the registry yet: {}", submitted.report(), e.toString());
        }
    }

    /** The leading node sweeps. */
    @Scheduled(fixedDelayString = "${hotline.registry.sweep:60s}")
    public void scheduledReceiveMissed() {
        if (leadership.leads()) {
            receiveMissed();
        }
    }

    /** See {@link Registry#receiveMissed()}. */
    public int receiveMissed() {
        List<ReportId> missed = db.select(HOTLINE_REPORT.ID, HOTLINE_REPORT.OPERATOR_ID).from(HOTLINE_REPORT)
                .where(HOTLINE_REPORT.STATUS.eq(HotlineReport.Status.SUBMITTED.name()))
                .and(HOTLINE_REPORT.SUBMITTED_AT.lt(utc(records.clock.instant().minus(Registry.SWEEP_GRACE))))
                .andNotExists(db.selectOne().from(CASE_SOURCE)
                        .where(CASE_SOURCE.HOTLINE_REPORT_ID.eq(HOTLINE_REPORT.ID)))
                .limit(500).fetch(r -> new ReportId(r.value1()));
        int received = 0;
        for (ReportId report : missed) {
            try {
                receiveHotline(report, null);
                received++;
            } catch (RuntimeException e) {
                log.warn("hotline report {} did not reach the registry, next sweep tries again: {}", report,
                        e.getClass().getSimpleName());
            }
        }
        return received;
    }

    private void receiveHotline(ReportId report, OperatorId by) {
        Situation s = intake.situation(report).orElseThrow();
        receive(new CaseSource.Hotline(report.value()), new CaseFacts(s.victimSex(), s.victimAge(),
                s.victimCountryOfBirth(), s.place(), s.periodFrom(), s.periodTo(), s.traffickingTypes()), by,
                intake.earlierReference(report).orElse(null));
    }

    private static final java.util.regex.Pattern REPORT_CODE =
            java.util.regex.Pattern.compile("([RS])-?([A-Z0-9]{4})-?([A-Z0-9]{4})");
    private static final java.util.regex.Pattern CASE_NUMBER =
            java.util.regex.Pattern.compile("C-([0-9]{4})-([0-9]{1,9})|C([0-9]{4})([0-9]{6,9})");

    /**
     * A reference as people give it (any case, spaces, dashes left out) in the form it is stored in: an online
     * report's {@code R-XXXX-XXXX}, a screening receipt's {@code S-XXXX-XXXX} or a case number
     * {@code C-YYYY-NNNNNN} (its leading zeros may be left out when the dashes are there); empty when it is none.
     */
    static Optional<String> canonicalReference(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String code = typed.replaceAll("\\s+", "").toUpperCase(java.util.Locale.ROOT);
        java.util.regex.Matcher report = REPORT_CODE.matcher(code);
        if (report.matches()) {
            return Optional.of(report.group(1) + "-" + report.group(2) + "-" + report.group(3));
        }
        java.util.regex.Matcher number = CASE_NUMBER.matcher(code);
        if (number.matches()) {
            String year = number.group(1) != null ? number.group(1) : number.group(3);
            long n = Long.parseLong(number.group(2) != null ? number.group(2) : number.group(4));
            return Optional.of(String.format("C-%s-%06d", year, n));
        }
        return Optional.empty();
    }

    /** The case a stored reference names, followed through merges to the case that carries on. */
    Optional<Registry.Created> liveCaseOf(String reference) {
        Optional<UUID> start = switch (reference.charAt(0)) {
            case 'R' -> db.select(CASE_SOURCE.CASE_ID).from(CASE_SOURCE).join(ONLINE_REPORT)
                    .on(ONLINE_REPORT.ID.eq(CASE_SOURCE.ONLINE_REPORT_ID)).where(ONLINE_REPORT.REFERENCE.eq(reference))
                    .fetchOptional(CASE_SOURCE.CASE_ID);
            case 'S' -> db.select(CASE_SOURCE.CASE_ID).from(CASE_SOURCE).join(SCREENING_REPORT)
                    .on(SCREENING_REPORT.ID.eq(CASE_SOURCE.SCREENING_REPORT_ID))
                    .where(SCREENING_REPORT.REFERENCE.eq(reference)).fetchOptional(CASE_SOURCE.CASE_ID);
            default -> db.select(REGISTRY_CASE.ID).from(REGISTRY_CASE).where(REGISTRY_CASE.REFERENCE.eq(reference))
                    .fetchOptional(REGISTRY_CASE.ID);
        };
        UUID id = start.orElse(null);
        // A merge chain is short; the bound only guards against a cycle the table's checks cannot rule out.
        for (int hop = 0; id != null && hop < 100; hop++) {
            var r = db.select(REGISTRY_CASE.REFERENCE, REGISTRY_CASE.MERGED_INTO).from(REGISTRY_CASE)
                    .where(REGISTRY_CASE.ID.eq(id)).fetchOne();
            if (r.value2() == null) {
                return Optional.of(new Registry.Created(new CaseId(id), r.value1()));
            }
            id = r.value2();
        }
        return Optional.empty();
    }

    private void linkSource(CaseId id, CaseSource source, OperatorId by, Map<String, Object> more) {
        db.insertInto(CASE_SOURCE)
                .set(CASE_SOURCE.CASE_ID, id.value())
                .set(sourceColumn(source), source.report())
                .set(CASE_SOURCE.LINKED_AT, utc(records.clock.instant()))
                .set(CASE_SOURCE.LINKED_BY, by == null ? null : by.value())
                .execute();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("channel", source.channel().name());
        detail.put("report", source.report());
        detail.putAll(more);
        records.event(id, "SOURCE_LINKED", by, detail);
        if (source.channel() == CaseSource.Channel.HOTLINE) {
            records.escalationsSoFar(id, source.report());
        }
    }

    /** See {@link Registry#escalationStep(CaseId, ReportId, CallId, OperatorId, Map)}. */
    void escalationStep(CaseId caseId, ReportId report, CallId call, OperatorId by, Map<String, String> detail) {
        java.util.Set<UUID> cases = new java.util.LinkedHashSet<>();
        if (caseId != null) {
            cases.add(caseId.value());
        }
        org.jooq.Condition about = org.jooq.impl.DSL.falseCondition();
        if (report != null) {
            about = about.or(HOTLINE_REPORT.ID.eq(report.value()));
        }
        if (call != null) {
            about = about.or(HOTLINE_REPORT.CALL_ID.eq(call.value()));
        }
        cases.addAll(db.selectDistinct(CASE_SOURCE.CASE_ID).from(CASE_SOURCE)
                .join(HOTLINE_REPORT).on(HOTLINE_REPORT.ID.eq(CASE_SOURCE.HOTLINE_REPORT_ID))
                .where(about).fetch(CASE_SOURCE.CASE_ID));
        for (UUID c : cases.stream().sorted().toList()) {
            // The history's numbering takes the case's lock, as every other writer of a case does.
            db.selectOne().from(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(c)).forUpdate().fetch();
            records.event(new CaseId(c), "ESCALATION", by, detail);
        }
    }

    private static TableField<?, UUID> sourceColumn(CaseSource source) {
        return switch (source.channel()) {
            case HOTLINE -> CASE_SOURCE.HOTLINE_REPORT_ID;
            case ONLINE -> CASE_SOURCE.ONLINE_REPORT_ID;
            case SCREENING -> CASE_SOURCE.SCREENING_REPORT_ID;
        };
    }
}
