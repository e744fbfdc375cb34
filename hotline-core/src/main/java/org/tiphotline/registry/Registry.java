package org.tiphotline.registry;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CASE_CONSENT;
import static org.tiphotline.db.Tables.CASE_CONSENT_ANSWER;
import static org.tiphotline.db.Tables.CASE_EVENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.SCREENING_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.db.Sequences.REGISTRY_CASE_NUMBER;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.TableField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineReport;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.ReportId;
import org.tiphotline.intake.Situation;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The case registry. Every channel's report becomes a potential case (or is linked to a known one); a data
 * manager assesses it in the standard format, moves it through its statuses and links or merges duplicates, and
 * every step is a row of the case's history with who and when.
 *
 * <p>Need to know: only data managers and the data management leader open cases at all. Every data manager sees
 * the list and the fields that name no one; the personal fields of a case only its assigned data manager and the
 * leader read or change, each read audited. Everyone else is told the case does not exist.
 */
@Service
public class Registry {

    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private static final TypeReference<TreeMap<String, String>> PERSONAL = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, Object>> DETAILS = new TypeReference<>() {};

    private static final Map<String, TableField<RegistryCaseRecord, ?>> COLUMNS = Map.ofEntries(
            Map.entry("sex", REGISTRY_CASE.SEX),
            Map.entry("age", REGISTRY_CASE.AGE),
            Map.entry("countryOfBirth", REGISTRY_CASE.COUNTRY_OF_BIRTH),
            Map.entry("citizenship", REGISTRY_CASE.CITIZENSHIP),
            Map.entry("place", REGISTRY_CASE.PLACE),
            Map.entry("periodFrom", REGISTRY_CASE.PERIOD_FROM),
            Map.entry("periodTo", REGISTRY_CASE.PERIOD_TO),
            Map.entry("exploitationTypes", REGISTRY_CASE.EXPLOITATION_TYPES),
            Map.entry("minorAtEntry", REGISTRY_CASE.MINOR_AT_ENTRY),
            Map.entry("votDecision", REGISTRY_CASE.VOT_DECISION),
            Map.entry("traffickingScope", REGISTRY_CASE.TRAFFICKING_SCOPE));

    /** A case as a data manager sees it; {@code personalHidden}: its personal fields exist but are not theirs. */
    public record RegistryCase(CaseId id, String reference, CaseStatus status, OperatorId assignedTo,
            String assignedName, int formVersion, int version, Map<String, Object> values, boolean personalHidden,
            List<Consent> consent, List<Source> sources, CaseId mergedInto, Instant createdAt, Instant updatedAt) {}

    /** One row of the list: what names no one. */
    public record Summary(CaseId id, String reference, CaseStatus status, String assignedName, String sex,
            Integer age, String place, List<String> exploitationTypes, Instant createdAt) {}

    /**
     * The current answer to one consent question. {@code askedBy} names a person: null for readers who may not see
     * the case's personal fields. {@code mergedFrom}: the closed case this answer was carried over from, if any.
     */
    public record Consent(String question, boolean answer, String askedBy, LocalDate askedOn, Instant recordedAt,
            CaseId mergedFrom) {}

    /** {@code call}: the call a hotline report belongs to (the call log's entry), else null. */
    public record Source(CaseSource.Channel channel, UUID report, UUID call, Instant linkedAt) {}

    public record Event(int seq, String type, Instant at, String actorName, Map<String, Object> detail) {}

    public record Created(CaseId id, String reference) {}

    /**
     * The facts the protection rules read (the age, the kinds of exploitation) were set on a case: when it was
     * received from a channel, or when a data manager changed them. Published inside the transaction of the
     * change, so a referral it causes commits with it or not at all.
     */
    public record ProtectionFactsChanged(CaseId id, boolean minor, List<String> exploitationTypes) {}

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final CaseForm form;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final Intake intake;
    private final org.tiphotline.protection.NameKeys nameKeys;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final JsonMapper json = JsonMapper.builder().build();

    public Registry(DSLContext db, TransactionTemplate tx, Clock clock, CaseForm form, FieldCipher cipher,
            AuditTrail audit, Intake intake, org.tiphotline.protection.NameKeys nameKeys,
            org.springframework.context.ApplicationEventPublisher events) {
        this.nameKeys = nameKeys;
        this.events = events;
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.form = form;
        this.cipher = cipher;
        this.audit = audit;
        this.intake = intake;
    }

    /**
     * A channel's report enters the registry as a new potential case. Receiving the same report twice gives the
     * case it already belongs to. Joins the caller's transaction, so the report and its case commit together.
     */
    public Created receive(CaseSource source, CaseFacts facts, OperatorId by) {
        return receive(source, facts, by, null);
    }

    /**
     * As {@link #receive(CaseSource, CaseFacts, OperatorId)}, for a report that gives the reference of an earlier
     * report or case ({@code earlierReference}, as typed; null if none): when it names a case, the report joins
     * that case (the one it was merged into, if it was) as a new source, and no case is created. A reference that
     * names nothing, or is not a reference at all, never costs the report: it opens a potential case as any
     * report does, whose history says the reference was given and not found.
     */
    public Created receive(CaseSource source, CaseFacts facts, OperatorId by, String earlierReference) {
        return tx.execute(status -> {
            Optional<Created> existing = caseOf(source);
            if (existing.isPresent()) {
                return existing.get();
            }
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("channel", source.channel().name());
            if (earlierReference != null) {
                Optional<String> reference = canonicalReference(earlierReference);
                Optional<Created> known = reference.flatMap(this::liveCaseOf);
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
            Instant now = clock.instant();
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
            event(id, "CREATED", by, created);
            linkSource(id, source, by, Map.of());
            events.publishEvent(new ProtectionFactsChanged(id, facts.minor(), facts.exploitationTypes()));
            return new Created(id, reference);
        });
    }

    /** The case a report belongs to now, if any. */
    public Optional<Created> caseOf(CaseSource source) {
        return db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE).from(CASE_SOURCE)
                .join(REGISTRY_CASE).on(REGISTRY_CASE.ID.eq(CASE_SOURCE.CASE_ID))
                .where(sourceColumn(source).eq(source.report()))
                .fetchOptional(r -> new Created(new CaseId(r.value1()), r.value2()));
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

    /**
     * Submitted hotline reports that have no case (the process stopped between the submission and its case):
     * received now. Returns how many. Only reports submitted more than {@link #SWEEP_GRACE} ago: a report
     * submitted a moment before is being received by its own event, and both would insert its link (the unique
     * key refused the second, seen under load in the end-to-end benchmark). One failure does not stop the rest.
     */
    @Scheduled(fixedDelayString = "${hotline.registry.sweep:60s}")
    public int receiveMissed() {
        List<ReportId> missed = db.select(HOTLINE_REPORT.ID, HOTLINE_REPORT.OPERATOR_ID).from(HOTLINE_REPORT)
                .where(HOTLINE_REPORT.STATUS.eq(HotlineReport.Status.SUBMITTED.name()))
                .and(HOTLINE_REPORT.SUBMITTED_AT.lt(utc(clock.instant().minus(SWEEP_GRACE))))
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

    static final Duration SWEEP_GRACE = Duration.ofSeconds(30);

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
    private Optional<Created> liveCaseOf(String reference) {
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
                return Optional.of(new Created(new CaseId(id), r.value1()));
            }
            id = r.value2();
        }
        return Optional.empty();
    }

    /**
     * The case a reference names (a case number, or the R-/S- code of one of its reports), for the registry's own
     * users: what names no one, as in the list; empty when it names none.
     */
    public Optional<Summary> find(Actor actor, String reference) {
        requireRegistryUser(actor);
        return canonicalReference(reference).flatMap(this::liveCaseOf).flatMap(c -> summaries(
                REGISTRY_CASE.ID.eq(c.id().value()), 1).stream().findFirst());
    }

    /** Cases newest first, for data managers: no personal field. */
    public List<Summary> list(Actor actor, CaseStatus status, int limit) {
        requireRegistryUser(actor);
        var where = REGISTRY_CASE.MERGED_INTO.isNull();
        if (status != null) {
            where = where.and(REGISTRY_CASE.STATUS.eq(status.name()));
        }
        return summaries(where, limit);
    }

    private List<Summary> summaries(org.jooq.Condition where, int limit) {
        return db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE, REGISTRY_CASE.STATUS, APP_USER.DISPLAY_NAME,
                        REGISTRY_CASE.SEX, REGISTRY_CASE.AGE, REGISTRY_CASE.PLACE, REGISTRY_CASE.EXPLOITATION_TYPES,
                        REGISTRY_CASE.CREATED_AT)
                .from(REGISTRY_CASE).leftJoin(APP_USER).on(APP_USER.ID.eq(REGISTRY_CASE.ASSIGNED_TO))
                .where(where).orderBy(REGISTRY_CASE.CREATED_AT.desc(), REGISTRY_CASE.ID.desc())
                .limit(Math.max(1, Math.min(limit, 500)))
                .fetch(r -> new Summary(new CaseId(r.value1()), r.value2(), CaseStatus.valueOf(r.value3()), r.value4(),
                        r.value5(), r.value6() == null ? null : r.value6().intValue(), r.value7(),
                        List.of(r.value8()), r.value9().toInstant()));
    }

    /** One case; its personal fields only for its data manager and the leader, and that read is audited. */
    public RegistryCase view(CaseId id, Actor actor) {
        requireRegistryUser(actor);
        return tx.execute(status -> {
            RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value()))
                    .fetchOptional().orElseThrow(CaseNotFound::new);
            boolean mayWork = mayWork(r, actor);
            Map<String, String> personal = mayWork ? personal(r) : Map.of();
            List<Consent> consent = consent(id, mayWork);
            List<String> read = new java.util.ArrayList<>(personal.keySet());
            if (consent.stream().anyMatch(c -> c.askedBy() != null)) {
                read.add(CONSENT_ASKED_BY);
            }
            if (!read.isEmpty()) {
                audit.record(actor.username(), AuditTrail.Action.READ, "registry_case", id, read);
            }
            return toView(r, personal, r.getPersonalEnc() != null && !mayWork, consent);
        });
    }

    /** Validates and stores one field of the standard format; returns the case's new version. */
    public int saveField(CaseId id, Actor actor, String fieldName, Object raw) {
        FormField field = form.field(fieldName);
        Object value = form.normalise(field, raw);
        return tx.execute(status -> {
            RegistryCaseRecord r = lockToWork(id, actor);
            boolean changed;
            if (field.personal()) {
                Map<String, String> personal = personal(r);
                String text = value == null ? null : value.toString();
                changed = !Objects.equals(text == null ? personal.remove(field.name())
                        : personal.put(field.name(), text), text);
                if (changed) {
                    storePersonal(r, personal);
                    audit.record(actor.username(), AuditTrail.Action.CHANGE, "registry_case", id,
                            List.of(field.name()));
                }
            } else if (COLUMNS.containsKey(field.name())) {
                changed = setTyped(r, field.name(), value);
                if (r.getPeriodFrom() != null && r.getPeriodTo() != null && r.getPeriodTo().isBefore(r.getPeriodFrom())) {
                    throw new InvalidField(field.name(), "the period cannot end before it starts");
                }
            } else {
                TreeMap<String, Object> details = json.readValue(r.getDetails().data(), DETAILS);
                Object stored = value instanceof LocalDate d ? d.toString() : value;
                changed = !Objects.equals(stored == null ? details.remove(field.name())
                        : details.put(field.name(), stored), stored);
                r.setDetails(JSONB.valueOf(json.writeValueAsString(details)));
            }
            if (!changed) {
                return r.getVersion();
            }
            r.setVersion(r.getVersion() + 1).setUpdatedAt(utc(clock.instant())).store();
            event(id, "CHANGED", actor.id(), Map.of("field", field.name()));
            if (field.name().equals("age") || field.name().equals("exploitationTypes")) {
                events.publishEvent(new ProtectionFactsChanged(id, r.getAge() != null && r.getAge() < 18,
                        List.of(r.getExploitationTypes())));
            }
            return r.getVersion();
        });
    }

    /**
     * Moves the case to another status, with who and when in its history. A decision status needs the decision
     * recorded in section E (question 18) to agree with it.
     */
    public void changeStatus(CaseId id, CaseStatus to, String note, Actor actor) {
        if (to == null) {
            throw new IllegalArgumentException("status must be one of " + Arrays.toString(CaseStatus.values()));
        }
        String cleanNote = note == null || note.isBlank() ? null : note.strip();
        if (cleanNote != null && cleanNote.length() > 1000) {
            throw new IllegalArgumentException("the note must be at most 1000 characters");
        }
        tx.executeWithoutResult(status -> {
            RegistryCaseRecord r = lockToWork(id, actor);
            CaseStatus from = CaseStatus.valueOf(r.getStatus());
            if (r.getMergedInto() != null) {
                throw new IllegalStateException("this case was merged into another; work on that one");
            }
            if (!from.next().contains(to)) {
                throw new IllegalStateException("a " + from + " case can move to " + from.next() + ", not " + to);
            }
            if (to == CaseStatus.CONFIRMED_VICTIM && !"YES".equals(r.getVotDecision())
                    || to == CaseStatus.NOT_A_VICTIM && !"NO".equals(r.getVotDecision())) {
                throw new IllegalStateException("record the decision (question 18) before the status that follows it");
            }
            if ((to == CaseStatus.CLOSED || from == CaseStatus.CLOSED) && cleanNote == null) {
                throw new IllegalArgumentException("say why in the note when closing or reopening a case");
            }
            r.setStatus(to.name()).setVersion(r.getVersion() + 1).setUpdatedAt(utc(clock.instant())).store();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("from", from.name());
            detail.put("to", to.name());
            if (cleanNote != null) {
                detail.put("note", cleanNote);
            }
            event(id, "STATUS", actor.id(), detail);
        });
    }

    /**
     * Gives the case to a data manager. The leader assigns anyone; a data manager may take an unassigned case.
     */
    public void assign(CaseId id, OperatorId assignee, Actor actor) {
        requireRegistryUser(actor);
        tx.executeWithoutResult(status -> {
            RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).forUpdate()
                    .fetchOptional().orElseThrow(CaseNotFound::new);
            boolean leader = actor.is(Role.DATA_MANAGEMENT_LEADER);
            if (!leader && !(r.getAssignedTo() == null && assignee.equals(actor.id()))) {
                throw new SecurityException("only the data management leader assigns cases; a data manager may "
                        + "take an unassigned one");
            }
            String role = db.select(APP_USER.ROLE).from(APP_USER).where(APP_USER.ID.eq(assignee.value()))
                    .and(APP_USER.ENABLED.isTrue()).fetchOne(APP_USER.ROLE);
            if (!Role.DATA_MANAGER.name().equals(role) && !Role.DATA_MANAGEMENT_LEADER.name().equals(role)) {
                throw new IllegalArgumentException("cases are assigned to data managers only");
            }
            r.setAssignedTo(assignee.value()).setVersion(r.getVersion() + 1).setUpdatedAt(utc(clock.instant()))
                    .store();
            event(id, "ASSIGNED", actor.id(), Map.of("to", assignee.value()));
        });
    }

    /**
     * An answer to one of the consent questions 1.1-1.5, who asked and when. It becomes the question's current
     * answer; every earlier answer stays, with its own asker and date, and each is a row of the history.
     */
    public void recordConsent(CaseId id, String question, Boolean answer, String askedBy, LocalDate askedOn,
            Actor actor) {
        if (question == null || !question.matches("1\\.[1-5]")) {
            throw new IllegalArgumentException("question must be one of 1.1, 1.2, 1.3, 1.4, 1.5");
        }
        if (answer == null) {
            throw new IllegalArgumentException("answer must be yes or no");
        }
        if (askedBy == null || askedBy.isBlank() || askedBy.length() > 120) {
            throw new IllegalArgumentException("say who asked (1-120 characters)");
        }
        // Who asked is a name, kept like every other personal field: plain text only, no markup.
        form.normalise(ASKED_BY, askedBy.strip());
        if (askedOn == null || askedOn.isAfter(LocalDate.now(clock).plusDays(1)) || askedOn.getYear() < 2000) {
            throw new IllegalArgumentException("the date it was asked must be a real date, not in the future");
        }
        tx.executeWithoutResult(status -> {
            lockToWork(id, actor);
            UUID answerId = insertAnswer(id, question, answer, askedBy.strip(), askedOn, actor.id(),
                    clock.instant(), null);
            makeCurrent(id, question, answerId);
            audit.record(actor.username(), AuditTrail.Action.CHANGE, "registry_case", id,
                    List.of("consent." + question));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("question", question);
            detail.put("answer", answer);
            detail.put("askedOn", askedOn.toString());
            detail.put("answerId", answerId);
            event(id, "CONSENT", actor.id(), detail);
        });
    }

    /** The field name audit rows give to who asked the consent questions. */
    static final String CONSENT_ASKED_BY = "consent.askedBy";

    private static final FormField ASKED_BY = FormField.personal("askedBy", "Consent", "Asked by",
            FormField.Kind.TEXT, 120);

    /** Stores one consent answer (its asker encrypted, bound to the answer's row); joins the caller's transaction. */
    UUID insertAnswer(CaseId id, String question, boolean answer, String askedBy, LocalDate askedOn,
            OperatorId recordedBy, Instant recordedAt, CaseId mergedFrom) {
        UUID answerId = UUID.randomUUID();
        db.insertInto(CASE_CONSENT_ANSWER)
                .set(CASE_CONSENT_ANSWER.ID, answerId)
                .set(CASE_CONSENT_ANSWER.CASE_ID, id.value())
                .set(CASE_CONSENT_ANSWER.QUESTION, question)
                .set(CASE_CONSENT_ANSWER.ANSWER, answer)
                .set(CASE_CONSENT_ANSWER.ASKED_BY_ENC, cipher.encrypt(askedBy, askedByBoundTo(answerId)))
                .set(CASE_CONSENT_ANSWER.ASKED_ON, askedOn)
                .set(CASE_CONSENT_ANSWER.RECORDED_BY, recordedBy.value())
                .set(CASE_CONSENT_ANSWER.RECORDED_AT, utc(recordedAt))
                .set(CASE_CONSENT_ANSWER.MERGED_FROM, mergedFrom == null ? null : mergedFrom.value())
                .execute();
        return answerId;
    }

    /** Makes a stored answer its question's current one on its case. */
    void makeCurrent(CaseId id, String question, UUID answerId) {
        var a = db.selectFrom(CASE_CONSENT_ANSWER).where(CASE_CONSENT_ANSWER.ID.eq(answerId)).fetchSingle();
        db.insertInto(CASE_CONSENT)
                .set(CASE_CONSENT.CASE_ID, id.value()).set(CASE_CONSENT.QUESTION, question)
                .set(CASE_CONSENT.ANSWER, a.getAnswer()).set(CASE_CONSENT.ASKED_BY, (String) null)
                .set(CASE_CONSENT.ASKED_ON, a.getAskedOn()).set(CASE_CONSENT.RECORDED_BY, a.getRecordedBy())
                .set(CASE_CONSENT.RECORDED_AT, a.getRecordedAt()).set(CASE_CONSENT.ANSWER_ID, answerId)
                .onConflict(CASE_CONSENT.CASE_ID, CASE_CONSENT.QUESTION).doUpdate()
                .set(CASE_CONSENT.ANSWER, a.getAnswer()).set(CASE_CONSENT.ASKED_BY, (String) null)
                .set(CASE_CONSENT.ASKED_ON, a.getAskedOn()).set(CASE_CONSENT.RECORDED_BY, a.getRecordedBy())
                .set(CASE_CONSENT.RECORDED_AT, a.getRecordedAt()).set(CASE_CONSENT.ANSWER_ID, answerId)
                .execute();
    }

    /** Who asked, in clear: for code that has already decided the reader may see it. */
    String askedBy(UUID answerId, byte[] askedByEnc) {
        return cipher.decrypt(askedByEnc, askedByBoundTo(answerId));
    }

    static String askedByBoundTo(UUID answerId) {
        return "case_consent_answer.asked_by:" + answerId;
    }

    /** The current answers, question by question; who asked only when {@code withAskedBy}. */
    List<Consent> consent(CaseId id, boolean withAskedBy) {
        return db.select(CASE_CONSENT.QUESTION, CASE_CONSENT.ANSWER, CASE_CONSENT.ASKED_BY, CASE_CONSENT.ASKED_ON,
                        CASE_CONSENT.RECORDED_AT, CASE_CONSENT.ANSWER_ID, CASE_CONSENT_ANSWER.ASKED_BY_ENC,
                        CASE_CONSENT_ANSWER.MERGED_FROM)
                .from(CASE_CONSENT).leftJoin(CASE_CONSENT_ANSWER).on(CASE_CONSENT_ANSWER.ID.eq(CASE_CONSENT.ANSWER_ID))
                .where(CASE_CONSENT.CASE_ID.eq(id.value())).orderBy(CASE_CONSENT.QUESTION)
                .fetch(c -> new Consent(c.value1(), c.value2(), !withAskedBy ? null
                        // A row from before answers were kept encrypted holds the name in clear until it is sealed.
                        : c.value6() == null ? c.value3() : askedBy(c.value6(), c.value7()),
                        c.value4(), c.value5().toInstant(), c.value8() == null ? null : new CaseId(c.value8())));
    }

    /**
     * The case's history, oldest first. Each consent answer carries who asked it for those who may read the
     * case's personal fields (that read audited); others see that it was answered, and when.
     */
    public List<Event> history(CaseId id, Actor actor) {
        requireRegistryUser(actor);
        return tx.execute(status -> {
            RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value()))
                    .fetchOptional().orElseThrow(CaseNotFound::new);
            List<Event> events = db.select(CASE_EVENT.SEQ, CASE_EVENT.TYPE, CASE_EVENT.AT, APP_USER.DISPLAY_NAME,
                            CASE_EVENT.DETAIL)
                    .from(CASE_EVENT).leftJoin(APP_USER).on(APP_USER.ID.eq(CASE_EVENT.ACTOR))
                    .where(CASE_EVENT.CASE_ID.eq(id.value())).orderBy(CASE_EVENT.SEQ)
                    .fetch(e -> new Event(e.value1(), e.value2(), e.value3().toInstant(), e.value4(),
                            json.readValue(e.value5().data(), DETAILS)));
            if (!mayWork(r, actor) || events.stream().noneMatch(e -> e.detail().containsKey("answerId"))) {
                return events;
            }
            Map<String, String> askers = new java.util.HashMap<>();
            db.select(CASE_CONSENT_ANSWER.ID, CASE_CONSENT_ANSWER.ASKED_BY_ENC).from(CASE_CONSENT_ANSWER)
                    .where(CASE_CONSENT_ANSWER.CASE_ID.eq(id.value()))
                    .forEach(a -> askers.put(a.value1().toString(), askedBy(a.value1(), a.value2())));
            boolean shown = false;
            for (Event e : events) {
                String asker = e.detail().get("answerId") instanceof String answer ? askers.get(answer) : null;
                if (asker != null) {
                    e.detail().put("askedBy", asker);
                    shown = true;
                }
            }
            if (shown) {
                audit.record(actor.username(), AuditTrail.Action.READ, "registry_case", id,
                        List.of(CONSENT_ASKED_BY));
            }
            return events;
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    private void linkSource(CaseId id, CaseSource source, OperatorId by, Map<String, Object> more) {
        db.insertInto(CASE_SOURCE)
                .set(CASE_SOURCE.CASE_ID, id.value())
                .set(sourceColumn(source), source.report())
                .set(CASE_SOURCE.LINKED_AT, utc(clock.instant()))
                .set(CASE_SOURCE.LINKED_BY, by == null ? null : by.value())
                .execute();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("channel", source.channel().name());
        detail.put("report", source.report());
        detail.putAll(more);
        event(id, "SOURCE_LINKED", by, detail);
        if (source.channel() == CaseSource.Channel.HOTLINE) {
            escalationsSoFar(id, source.report());
        }
    }

    /**
     * A step of an escalation (raised, acknowledged, its outcome, closed) into the history of every case it
     * concerns: the case it was raised for, and the cases that hold its report or a report of its call. Codes only:
     * its reason and the outcome's note may name people and stay on the escalation, encrypted or audited there.
     * Joins the caller's transaction. A call whose report is not yet a case writes nothing here: the case gets
     * the escalation's state when the report joins it.
     */
    public void escalationStep(CaseId caseId, ReportId report, CallId call, OperatorId by, Map<String, String> detail) {
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
            event(new CaseId(c), "ESCALATION", by, detail);
        }
    }

    /** The escalations about a hotline report or its call when the report joins a case: their state by then. */
    void escalationsSoFar(CaseId id, UUID report) {
        UUID call = db.select(HOTLINE_REPORT.CALL_ID).from(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(report))
                .fetchOne(HOTLINE_REPORT.CALL_ID);
        org.jooq.Condition about = ESCALATION.REPORT_ID.eq(report);
        if (call != null) {
            about = about.or(ESCALATION.CALL_ID.eq(call));
        }
        for (var e : db.selectFrom(ESCALATION).where(about).orderBy(ESCALATION.RAISED_AT).fetch()) {
            Map<String, String> detail = new LinkedHashMap<>();
            detail.put("escalation", e.getId().toString());
            detail.put("agency", e.getAgency());
            detail.put("step", "STATE");
            detail.put("level", e.getLevel());
            detail.put("status", e.getStatus());
            if (e.getOutcomeCode() != null) {
                detail.put("outcome", e.getOutcomeCode());
            }
            event(id, "ESCALATION", null, detail);
        }
    }

    private static TableField<?, UUID> sourceColumn(CaseSource source) {
        return switch (source.channel()) {
            case HOTLINE -> CASE_SOURCE.HOTLINE_REPORT_ID;
            case ONLINE -> CASE_SOURCE.ONLINE_REPORT_ID;
            case SCREENING -> CASE_SOURCE.SCREENING_REPORT_ID;
        };
    }

    /** Appends to the case's history; joins the caller's transaction. */
    void event(CaseId id, String type, OperatorId by, Map<String, ?> detail) {
        Integer last = db.select(org.jooq.impl.DSL.max(CASE_EVENT.SEQ)).from(CASE_EVENT)
                .where(CASE_EVENT.CASE_ID.eq(id.value())).fetchOne(0, Integer.class);
        db.insertInto(CASE_EVENT)
                .set(CASE_EVENT.CASE_ID, id.value())
                .set(CASE_EVENT.SEQ, last == null ? 1 : last + 1)
                .set(CASE_EVENT.TYPE, type)
                .set(CASE_EVENT.AT, utc(clock.instant()))
                .set(CASE_EVENT.ACTOR, by == null ? null : by.value())
                .set(CASE_EVENT.DETAIL, JSONB.valueOf(json.writeValueAsString(detail)))
                .execute();
    }

    RegistryCaseRecord lockToWork(CaseId id, Actor actor) {
        requireRegistryUser(actor);
        RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).forUpdate()
                .fetchOptional().orElseThrow(CaseNotFound::new);
        if (!mayWork(r, actor)) {
            throw new SecurityException("only the case's data manager or the data management leader can change it");
        }
        return r;
    }

    private static boolean mayWork(RegistryCaseRecord r, Actor actor) {
        return actor.is(Role.DATA_MANAGEMENT_LEADER)
                || actor.is(Role.DATA_MANAGER) && r.getAssignedTo() != null && r.getAssignedTo() == actor.id().value();
    }

    static void requireRegistryUser(Actor actor) {
        if (!actor.is(Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            throw new CaseNotFound();
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean setTyped(RegistryCaseRecord r, String field, Object value) {
        Field<Object> column = (Field<Object>) (Field<?>) COLUMNS.get(field);
        Object stored = value;
        if (value instanceof List<?> list) {
            stored = list.toArray(String[]::new);
        } else if (value instanceof Integer i && (Class<?>) column.getType() == Short.class) {
            stored = i.shortValue();
        } else if (value == null && (Class<?>) column.getType() == String[].class) {
            stored = new String[0];
        }
        if (Objects.deepEquals(r.get(column), stored)) {
            return false;
        }
        r.set(column, stored);
        return true;
    }

    Map<String, String> personal(RegistryCaseRecord r) {
        String plain = cipher.decrypt(r.getPersonalEnc(), bound(r));
        return plain == null ? new TreeMap<>() : json.readValue(plain, PERSONAL);
    }

    /** Encrypts the personal fields into the record, and keeps the name keys in step with the names. */
    void storePersonal(RegistryCaseRecord r, Map<String, String> personal) {
        r.setPersonalEnc(personal.isEmpty() ? null : cipher.encrypt(json.writeValueAsString(personal), bound(r)));
        r.setNameKeys(nameKeys.of(personal.get("firstNames"), personal.get("familyNames")).toArray(byte[][]::new));
    }

    private static String bound(RegistryCaseRecord r) {
        return personalBoundTo(r.getId());
    }

    /** Where a case's personal fields are bound when encrypted: exports decrypt them with the same binding. */
    public static String personalBoundTo(UUID caseId) {
        return "registry_case.personal:" + caseId;
    }

    private RegistryCase toView(RegistryCaseRecord r, Map<String, String> personal, boolean hidden,
            List<Consent> consent) {
        Map<String, Object> values = new LinkedHashMap<>();
        COLUMNS.forEach((name, column) -> {
            Object v = r.get(column);
            if (v instanceof String[] array) {
                v = array.length == 0 ? null : Arrays.asList(array);
            } else if (v instanceof Short s) {
                v = s.intValue();
            }
            if (v != null) {
                values.put(name, v);
            }
        });
        values.putAll(json.readValue(r.getDetails().data(), DETAILS));
        values.putAll(personal);
        CaseId id = new CaseId(r.getId());
        List<Source> sources = sources(id);
        String assignedName = r.getAssignedTo() == null ? null : db.select(APP_USER.DISPLAY_NAME).from(APP_USER)
                .where(APP_USER.ID.eq(r.getAssignedTo())).fetchOne(APP_USER.DISPLAY_NAME);
        return new RegistryCase(id, r.getReference(), CaseStatus.valueOf(r.getStatus()),
                r.getAssignedTo() == null ? null : new OperatorId(r.getAssignedTo()), assignedName,
                r.getFormVersion(), r.getVersion(), values, hidden, consent, sources,
                r.getMergedInto() == null ? null : new CaseId(r.getMergedInto()), r.getCreatedAt().toInstant(),
                r.getUpdatedAt().toInstant());
    }

    /** The reports a case is made of, oldest link first; none of their content. */
    List<Source> sources(CaseId id) {
        return db.select(CASE_SOURCE.HOTLINE_REPORT_ID, CASE_SOURCE.ONLINE_REPORT_ID,
                        CASE_SOURCE.SCREENING_REPORT_ID, HOTLINE_REPORT.CALL_ID, CASE_SOURCE.LINKED_AT)
                .from(CASE_SOURCE).leftJoin(HOTLINE_REPORT).on(HOTLINE_REPORT.ID.eq(CASE_SOURCE.HOTLINE_REPORT_ID))
                .where(CASE_SOURCE.CASE_ID.eq(id.value())).orderBy(CASE_SOURCE.LINKED_AT)
                .fetch(s -> s.value1() != null
                        ? new Source(CaseSource.Channel.HOTLINE, s.value1(), s.value4(), s.value5().toInstant())
                        : s.value2() != null
                                ? new Source(CaseSource.Channel.ONLINE, s.value2(), null, s.value5().toInstant())
                                : new Source(CaseSource.Channel.SCREENING, s.value3(), null, s.value5().toInstant()));
    }

    /** Whether this user may read and change the case's personal fields (its data manager, the leader). */
    boolean mayWork(CaseId id, Actor actor) {
        return db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).fetchOptional()
                .map(r -> mayWork(r, actor)).orElse(false);
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
