package org.tiphotline.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.db.tables.records.HotlineReportRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/**
 * The hotline registering form's life: a draft opens, bound to the call, the moment the call is offered to
 * an operator; each field is validated and stored on its own as the operator types, in a transaction with its
 * audit row; the operator submits, and the report becomes read-only. An operator sees only reports of calls
 * that rang at them; supervisors see all; data managers and their leader see what the registry's rule gives them
 * of the case a report became ({@link RegistryReaders}); nobody else sees any.
 */
@Service
public class Intake {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Intake.class);

    private final Reports reports;
    private final HotlineForm form;
    private final Calls calls;
    private final Operators operators;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final ObjectProvider<RegistryReaders> registryReaders;
    private final FieldSaves saves;
    /** Longer than any offer rings (hotline.routing.offer-timeout is seconds). */
    private static final java.time.Duration STALE = java.time.Duration.ofMinutes(10);

    private final Map<CallId, Prepared> prepared = new ConcurrentHashMap<>();
    /** Pops that left on the provider's report, until its record says the ringing was accepted. */
    private final Map<CallId, Popped> popped = new ConcurrentHashMap<>();

    public Intake(Reports reports, HotlineForm form, Calls calls, Operators operators, AuditTrail audit,
            TransactionTemplate tx, ApplicationEventPublisher events, Clock clock,
            ObjectProvider<RegistryReaders> registryReaders, FieldSaves saves) {
        this.registryReaders = registryReaders;
        this.saves = saves;
        this.reports = reports;
        this.form = form;
        this.calls = calls;
        this.operators = operators;
        this.audit = audit;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The routing brain offered the call to an operator: open (or hand over) its draft and prepare the screen
     * pop now, so that when the phone rings the pop leaves without touching the database. Offers are recorded
     * before the provider is told to connect, so this runs before the ringing report can arrive.
     */
    @EventListener
    public void on(Call.Offered offered) {
        try {
            Call call = calls.load(offered.call()).orElseThrow();
            openDraftWhileInProgress(call.id(), offered.operator())
                    .ifPresent(report -> prepared.put(call.id(), prepare(call, offered.operator(), report)));
        } catch (RuntimeException e) {
            // The offer stands: the ringing report opens the draft the slow way.
            log.warn("could not prepare the screen pop of call {} at offer", offered.call(), e);
        }
    }

    /**
     * The provider reports the phone ringing at the operator the offer prepared a pop for: the pop leaves now,
     * before the report is read against the database or stored, with the draft already bound to the call. A
     * report nobody prepared for waits for {@link Call.Ringing}.
     */
    @EventListener
    public void on(Call.RingReported reported) {
        Prepared pop = prepared.get(reported.call());
        if (pop != null && pop.operator().equals(reported.operator())
                && prepared.remove(reported.call(), pop)) {
            popped.put(reported.call(), new Popped(reported.operator(), clock.instant()));
            events.publishEvent(pop.ringingAt(reported.at()));
        }
    }

    /**
     * The ringing report was accepted (inside its transaction, see {@link Call.Ringing}). Its pop left already
     * when the offer had prepared one; otherwise it is built from the database after the commit, so that a
     * failure there never undoes the ringing record.
     */
    @EventListener
    public void on(Call.Ringing ringing) {
        Popped left = popped.remove(ringing.call());
        if (left != null && ringing.operator().equals(left.operator())) {
            return;
        }
        Prepared pop = prepared.remove(ringing.call());
        if (pop != null && pop.operator().equals(ringing.operator())) {
            events.publishEvent(pop.ringingAt(ringing.at()));
        } else if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Not offered by this process (it restarted since), or offered to someone else meanwhile.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    popFromTheDatabase(ringing);
                }
            });
        } else {
            popFromTheDatabase(ringing);
        }
    }

    private void popFromTheDatabase(Call.Ringing ringing) {
        Call call = calls.load(ringing.call()).orElseThrow();
        openDraftWhileInProgress(call.id(), ringing.operator()).ifPresent(report -> events.publishEvent(
                prepare(call, ringing.operator(), report).ringingAt(ringing.at())));
    }

    /**
     * The draft an offer or a ringing opens, none once the call is over. Their listeners run after the offer's or
     * the ringing's commit (on the routing thread, or on the other node), so the caller may hang up in between:
     * the hang-up's listener then finds no draft to drop, and a draft opened afterwards would stay in the
     * operator's open reports for a call nobody took. Under the call's row held FOR SHARE, a hang-up either
     * committed first (nothing is opened) or waits for this draft, which its listener then drops.
     */
    private java.util.Optional<ReportId> openDraftWhileInProgress(CallId call, OperatorId operator) {
        return tx.execute(status -> calls.holdWhileInProgress(call)
                ? java.util.Optional.of(openDraft(call, operator)) : java.util.Optional.<ReportId>empty());
    }

    /**
     * A prepared pop nobody will ring for is dropped, so the map holds only calls being offered; and the operator
     * who did not answer keeps no draft of the call in their open reports (issue 17). First among the listeners,
     * so the console told of the timeout finds the draft gone.
     */
    @EventListener
    @org.springframework.core.annotation.Order(0)
    public void on(Call.OfferUnanswered unanswered) {
        prepared.computeIfPresent(unanswered.call(),
                (call, pop) -> pop.operator().equals(unanswered.operator()) ? null : pop);
        popped.computeIfPresent(unanswered.call(),
                (call, left) -> left.operator().equals(unanswered.operator()) ? null : left);
        dropUnansweredDraft(unanswered.call(), unanswered.operator());
    }

    @EventListener
    @org.springframework.core.annotation.Order(0)
    public void on(Call.Ended ended) {
        prepared.remove(ended.call());
        popped.remove(ended.call());
        if (ended.operator() == null) {
            // Nobody answered (abandoned while ringing or waiting): the draft of whoever it rang at last goes.
            calls.load(ended.call()).map(Call::lastOffered).ifPresent(who -> dropUnansweredDraft(ended.call(), who));
        }
    }

    /**
     * Only an untouched draft goes; one the operator typed into while it rang stays theirs. An escalation that
     * already refers to the draft keeps it too (the database refuses the delete).
     */
    private void dropUnansweredDraft(CallId call, OperatorId operator) {
        try {
            if (reports.deleteUntouchedDraft(call, operator)) {
                log.debug("dropped the untouched draft of call {}: nobody answered it", call);
            }
        } catch (org.springframework.dao.DataIntegrityViolationException referenced) {
            log.debug("kept the draft of call {}: an escalation refers to it", call);
        }
    }

    private Prepared prepare(Call call, OperatorId operator, ReportId report) {
        String username = operators.byId(operator).orElseThrow().username();
        return new Prepared(operator, call, username, report, calls.earlierContacts(call.id()), clock.instant());
    }

    /**
     * With two nodes a call offered here may ring, be answered and end on the other node, whose reports never reach
     * this one: its prepared pop (the caller's IVR answers with it) would stay in memory until a restart. No offer
     * rings that long, so what is older than {@link #STALE} goes, every minute, on every node.
     */
    @Scheduled(fixedDelay = 60_000)
    public void forgetStalePops() {
        Instant before = clock.instant().minus(STALE);
        prepared.values().removeIf(pop -> pop.preparedAt().isBefore(before));
        popped.values().removeIf(left -> left.at().isBefore(before));
    }

    private record Popped(OperatorId operator, Instant at) {}

    /** Everything the pop carries except when the phone rang. */
    private record Prepared(OperatorId operator, Call call, String username, ReportId report, int earlierContacts,
            Instant preparedAt) {

        ScreenPop ringingAt(Instant rangAt) {
            return new ScreenPop(username, call.id(), report, call.ref().provider(), call.ref().providerCallId(),
                    call.callerMask(), call.language(), call.urgent(), call.callerType(), call.ivrPath(),
                    call.waited(rangAt).toSeconds(), earlierContacts, rangAt, call.safeToCallBack(), call.quietMode(),
                    call.direction());
        }
    }

    /**
     * Opens the draft bound to the call, or gives it to the operator it now rings at. A call only rings before
     * anyone answered, so the draft cannot hold anything learned from the caller when it changes hands.
     */
    public ReportId openDraft(CallId call, OperatorId operator) {
        return tx.execute(status -> reports.forCall(call).map(existing -> {
            if (existing.getStatus().equals(HotlineReport.Status.DRAFT.name())
                    && existing.getOperatorId() != operator.value()) {
                existing.setOperatorId(operator.value()).store();
            }
            return new ReportId(existing.getId());
        }).orElseGet(() -> {
            ReportId id = new ReportId(UUID.randomUUID());
            reports.insertDraft(id, call, operator, clock.instant());
            return id;
        }));
    }

    /**
     * A warm transfer (issue 20 F): the call's unfinished report goes with the caller to the colleague, who hears
     * what comes next and finishes it; the operator who handed over no longer has it. Runs in the transaction that
     * records the transfer, so the call and its draft never belong to two people, and is audited: the colleague comes
     * to read what was typed. A report already submitted stays its author's. Empty when no draft of {@code from}'s
     * goes.
     */
    public java.util.Optional<ReportId> handDraftOver(CallId call, Operator from, Operator to) {
        return tx.execute(status -> reports.forCall(call)
                .filter(r -> r.getStatus().equals(HotlineReport.Status.DRAFT.name())
                        && r.getOperatorId() == from.id().value())
                .map(draft -> {
                    draft.setOperatorId(to.id().value()).store();
                    ReportId id = new ReportId(draft.getId());
                    audit.record(from.username(), AuditTrail.Action.CHANGE, "hotline_report", id,
                            List.of("handed-over:" + to.username()));
                    return id;
                }));
    }

    /**
     * The report for someone who may see it; its personal fields only for those who may read them (then audited),
     * else {@code personalHidden} says they exist. Anyone else is told it does not exist.
     */
    public HotlineReport view(ReportId id, Actor actor) {
        return tx.execute(status -> {
            HotlineReportRecord report = reports.find(id).orElseThrow(() -> new ReportNotFound(id));
            RegistryReaders.Access access = access(report, actor);
            if (access == RegistryReaders.Access.NONE) {
                throw new ReportNotFound(id);
            }
            if (access == RegistryReaders.Access.WITHOUT_PERSONAL) {
                // Not decrypted at all: what this reader may not see is never in memory on their behalf.
                return toView(report, Map.of(), report.getPersonalEnc() != null || report.getRefusedEnc() != null,
                        Map.of(), false);
            }
            Map<String, String> personal = reports.personal(report);
            Map<String, HotlineReport.Refused> refused = reports.refused(report);
            java.util.Set<String> read = new java.util.TreeSet<>(personal.keySet());
            read.addAll(refused.keySet());
            if (!read.isEmpty()) {
                audit.record(actor.username(), AuditTrail.Action.READ, "hotline_report", id, read);
            }
            return toView(report, personal, false, refused, true);
        });
    }

    /** Validates and stores one field over whatever is stored; returns the report's new version. */
    public int saveField(ReportId id, Actor actor, String fieldName, Object raw) {
        return saves.save(id, actor, fieldName, raw, null).version();
    }

    /**
     * Validates and stores one field, unless it was changed since the field version {@code seen} the operator's
     * copy started from ({@link FieldChangedMeanwhile}, with the stored value). Clearing a field is a change too. A
     * value the form refuses is kept with the draft ({@link RefusedValueKept}) and shown back by {@link #view}.
     */
    public SavedField saveField(ReportId id, Actor actor, String fieldName, Object raw, Integer seen) {
        return saves.save(id, actor, fieldName, raw, seen);
    }

    /** What the report says about the situation without naming anyone (no personal data is read). */
    public java.util.Optional<Situation> situation(ReportId id) {
        return reports.find(id).map(r -> new Situation(id, r.getPlace(),
                r.getTraffickingTypes() == null ? List.of() : List.of(r.getTraffickingTypes()),
                r.getVictimAge() == null ? null : r.getVictimAge().intValue(), r.getVictimSex(),
                r.getPeopleInvolved() == null ? null : r.getPeopleInvolved().intValue(),
                r.getVictimDescriptors() == null ? List.of() : List.of(r.getVictimDescriptors()),
                Boolean.TRUE.equals(r.getShareConsent()), r.getVictimCountryOfBirth(), r.getPeriodFrom(),
                r.getPeriodTo()));
    }

    /** The reference of an earlier report or case the caller gave, as typed; a code, not personal data. */
    public java.util.Optional<String> earlierReference(ReportId id) {
        return reports.find(id).map(r -> r.getEarlierReference());
    }

    /**
     * The filled identifying fields of a report ({@link HotlineForm#IDENTIFYING}), for an escalation whose
     * disclosure the caller has already checked. The read and its audit row (who or which alert took them, and
     * whether they were read or sent out) commit together.
     */
    public Map<String, String> identifyingDetails(ReportId id, String takenBy, AuditTrail.Action action) {
        return tx.execute(status -> {
            HotlineReportRecord report = reports.find(id).orElseThrow(() -> new ReportNotFound(id));
            Map<String, String> personal = reports.personal(report);
            Map<String, String> identifying = new java.util.LinkedHashMap<>();
            for (String field : HotlineForm.IDENTIFYING) {
                if (personal.get(field) != null) {
                    identifying.put(field, personal.get(field));
                }
            }
            if (!identifying.isEmpty()) {
                audit.record(takenBy, action, "hotline_report", id, identifying.keySet());
            }
            return identifying;
        });
    }

    /**
     * Checks the rules across fields, then makes the report final. Submitting a report its operator already
     * submitted (a double click, a retry after a lost answer) returns it as it was submitted, and nothing happens
     * twice. Text the form refused and keeps must be corrected or cleared first: submitting never drops words.
     */
    public HotlineReport submit(ReportId id, Actor actor) {
        boolean[] now = {false};
        HotlineReport submitted = tx.execute(status -> {
            HotlineReportRecord report = reports.lock(id).filter(r -> r.getOperatorId() == actor.id().value())
                    .orElseThrow(() -> new ReportNotFound(id));
            Map<String, String> personal = reports.personal(report);
            if (report.getStatus().equals(HotlineReport.Status.DRAFT.name())) {
                Map<String, String> problems = form.problemsOnSubmit(reports.values(report, personal));
                reports.refused(report).forEach((field, kept) -> problems.putIfAbsent(field,
                        "not accepted yet (" + kept.reason() + "): correct it or clear it before submitting"));
                if (!problems.isEmpty()) {
                    throw new InvalidField(problems);
                }
                Instant at = clock.instant();
                report.setStatus(HotlineReport.Status.SUBMITTED.name()).setSubmittedAt(Reports.utc(at))
                        .setUpdatedAt(Reports.utc(at)).setVersion(report.getVersion() + 1).store();
                audit.record(actor.username(), AuditTrail.Action.CHANGE, "hotline_report", id, List.of("status"));
                now[0] = true;
            }
            if (!personal.isEmpty()) {
                // The answer shows the submitted report back, personal fields included.
                audit.record(actor.username(), AuditTrail.Action.READ, "hotline_report", id, personal.keySet());
            }
            return toView(report, personal, false, Map.of(), true);
        });
        if (now[0]) {
            events.publishEvent(new HotlineReport.Submitted(id, submitted.call(), submitted.operator()));
        }
        return submitted;
    }

    /** The operator's unfinished drafts, newest first: what the console reopens after a reload or restart. */
    public List<DraftSummary> drafts(Actor actor) {
        return reports.drafts(actor.id()).stream()
                .map(r -> new DraftSummary(new ReportId(r.getId()), new CallId(r.getCallId()), r.getVersion(),
                        r.getCreatedAt().toInstant()))
                .collect(Collectors.toList());
    }

    public record DraftSummary(ReportId report, CallId call, int version, Instant createdAt) {}

    public java.util.Optional<ReportId> reportOf(CallId call) {
        return tx.execute(status -> reports.forCall(call).map(r -> new ReportId(r.getId())));
    }

    /**
     * The operator the call rang at and the supervisors review the whole report. A data manager is not every
     * report's reader: the registry's rule for the case the report became decides, so a data manager who is not
     * the case's own cannot read its victim's and caller's details here either.
     */
    private RegistryReaders.Access access(HotlineReportRecord report, Actor actor) {
        if (report.getOperatorId() == actor.id().value() || actor.is(Role.SUPERVISOR)) {
            return RegistryReaders.Access.WITH_PERSONAL;
        }
        if (actor.is(Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            RegistryReaders registry = registryReaders.getIfAvailable();
            return registry == null ? RegistryReaders.Access.NONE
                    : registry.of(new ReportId(report.getId()), actor);
        }
        return RegistryReaders.Access.NONE;
    }

    private HotlineReport toView(HotlineReportRecord r, Map<String, String> personal, boolean personalHidden,
            Map<String, HotlineReport.Refused> refused, boolean mayReadPersonal) {
        return new HotlineReport(new ReportId(r.getId()), new CallId(r.getCallId()), new OperatorId(r.getOperatorId()),
                reports.operatorName(r.getOperatorId()), HotlineReport.Status.valueOf(r.getStatus()), r.getVersion(),
                reports.values(r, personal), personalHidden, r.getCreatedAt().toInstant(), r.getUpdatedAt().toInstant(),
                r.getSubmittedAt() == null ? null : r.getSubmittedAt().toInstant(), versions(r, mayReadPersonal),
                refused);
    }

    /** Each field's version; for a reader who may not see the personal fields, not even which of them were filled. */
    private Map<String, Integer> versions(HotlineReportRecord r, boolean mayReadPersonal) {
        Map<String, Integer> versions = reports.fieldVersions(r);
        if (!mayReadPersonal) {
            versions.keySet().removeIf(field -> form.field(field).personal());
        }
        return versions;
    }
}
