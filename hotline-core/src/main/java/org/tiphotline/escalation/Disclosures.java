package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_DISCLOSURE;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.intake.Situation;
import org.tiphotline.operators.Actor;
import org.tiphotline.protection.AuditTrail;

/**
 * Decides whether an escalation's alerts may carry details that identify the victim or the caller. Only two
 * grounds exist: the caller's consent recorded on the report, or an override, which only a victim under 18 or an
 * imminent danger allows, with a written justification. The ground is checked when it is claimed and again each
 * time details would leave (a consent withdrawn or an age corrected stops them), every decision has an audit row,
 * and every override is listed for supervisors.
 */
@Service
public class Disclosures {

    /** An override as supervisors see it: who decided, when, on what ground and why. */
    public record Override(Escalation.Id escalation, String agency, Escalation.Disclosure basis,
            String justification, String decidedBy, Instant decidedAt) {}

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Escalations escalations;
    private final AlertRounds rounds;
    private final Directory directory;
    private final Intake intake;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;

    public Disclosures(DSLContext db, TransactionTemplate tx, Clock clock, Escalations escalations,
            AlertRounds rounds, Directory directory, Intake intake, AuditTrail audit,
            ApplicationEventPublisher events) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.escalations = escalations;
        this.rounds = rounds;
        this.directory = directory;
        this.intake = intake;
        this.audit = audit;
        this.events = events;
    }

    /**
     * Allows the escalation's alerts to carry identifying details on this ground. The caller has checked that the
     * actor may act on the escalation. Refused (nothing stored) when the ground does not hold; authorising the
     * same ground twice is fine, another ground after one was given is refused. When the escalation is still
     * open or acknowledged, the agency gets the details at once rather than at the next deadline.
     */
    public Escalation.Disclosure authorise(Escalation.Id id, Escalation.Disclosure basis, String justification,
            Actor actor) {
        if (basis == null) {
            throw new IllegalArgumentException("basis must be one of "
                    + java.util.Arrays.toString(Escalation.Disclosure.values()));
        }
        String why = justification == null || justification.isBlank() ? null : justification.strip();
        if (basis.isOverride() && (why == null || why.length() < 10 || why.length() > 500)) {
            throw new IllegalArgumentException("an override needs a justification of 10-500 characters");
        }
        Boolean decided = tx.execute(status -> {
            Escalation e = escalations.lock(id);
            if (e.status() == Escalation.Status.CLOSED) {
                throw new IllegalStateException("this escalation is closed");
            }
            if (e.disclosure() != null) {
                if (e.disclosure() == basis) {
                    return false;
                }
                throw new IllegalStateException("identifying details were already allowed on the ground "
                        + e.disclosure());
            }
            String refusal = refusal(basis, e, situationOf(e));
            if (refusal != null) {
                throw new IllegalStateException(refusal);
            }
            db.insertInto(ESCALATION_DISCLOSURE)
                    .set(ESCALATION_DISCLOSURE.ESCALATION_ID, id.value())
                    .set(ESCALATION_DISCLOSURE.BASIS, basis.name())
                    .set(ESCALATION_DISCLOSURE.JUSTIFICATION, basis.isOverride() ? why : null)
                    .set(ESCALATION_DISCLOSURE.DECIDED_BY, actor.id().value())
                    .set(ESCALATION_DISCLOSURE.DECIDED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                    .execute();
            audit.record(actor.username(), AuditTrail.Action.CHANGE, "escalation", id,
                    List.of("disclosure:" + basis.name()));
            int channels = directory.agency(e.agency()).map(a -> a.alerts().size()).orElse(1);
            rounds.queueAlert(id, e.alertRound(), "details:" + ((e.alertRound() - 1) % channels),
                    clock.instant());
            return true;
        });
        if (Boolean.TRUE.equals(decided)) {
            events.publishEvent(new Escalation.DisclosureAuthorised(id,
                    escalations.find(id).orElseThrow().agency(), basis, actor.id()));
        }
        return basis;
    }

    /**
     * Whether identifying details may leave for this escalation now: its ground was given and still holds.
     * Empty when they may not, with nothing read.
     */
    public Optional<ReportId> mayDisclose(Escalation e) {
        if (e.disclosure() == null) {
            return Optional.empty();
        }
        Optional<Situation> situation = situationOf(e);
        return refusal(e.disclosure(), e, situation) == null ? situation.map(Situation::report) : Optional.empty();
    }

    /** The identifying details, if they may leave now; the read is audited under {@code takenBy}. */
    public Map<String, String> details(Escalation e, String takenBy, AuditTrail.Action action) {
        return mayDisclose(e).map(report -> {
            Map<String, String> details = new java.util.LinkedHashMap<>(
                    intake.identifyingDetails(report, takenBy, action));
            // The operator's words for why may name people, so they travel with the identifying details only.
            escalations.operatorReason(e.id(), takenBy, action).ifPresent(r -> details.put("escalationReason", r));
            return java.util.Collections.unmodifiableMap(details);
        }).orElse(Map.of());
    }

    /** What the report says without naming anyone, or empty before there is a report. */
    public Optional<Situation> situationOf(Escalation e) {
        ReportId report = e.report() != null ? e.report() : e.call() == null ? null
                : intake.reportOf(e.call()).orElse(null);
        if (report == null && e.caseId() != null) {
            return caseSituation(e.caseId());
        }
        return report == null ? Optional.empty() : intake.situation(report);
    }

    /**
     * A referral about a registry case (an online or screening report) tells what the case says without naming
     * anyone. There is no hotline report, so no consent to share was asked: its identifying details never go.
     */
    private Optional<Situation> caseSituation(org.tiphotline.registry.CaseId caseId) {
        var c = org.tiphotline.db.Tables.REGISTRY_CASE;
        return db.selectFrom(c).where(c.ID.eq(caseId.value())).fetchOptional()
                .map(r -> new Situation(null, r.getPlace(), List.of(r.getExploitationTypes()),
                        r.getAge() == null ? null : r.getAge().intValue(), r.getSex(), null, List.of(), false,
                        r.getCountryOfBirth(), r.getPeriodFrom(), r.getPeriodTo()));
    }

    /** The most recent overrides, newest first, for supervisors. */
    public List<Override> overrides(int limit) {
        return db.select(ESCALATION_DISCLOSURE.ESCALATION_ID, ESCALATION.AGENCY, ESCALATION_DISCLOSURE.BASIS,
                        ESCALATION_DISCLOSURE.JUSTIFICATION, APP_USER.DISPLAY_NAME, ESCALATION_DISCLOSURE.DECIDED_AT)
                .from(ESCALATION_DISCLOSURE)
                .join(ESCALATION).on(ESCALATION.ID.eq(ESCALATION_DISCLOSURE.ESCALATION_ID))
                .join(APP_USER).on(APP_USER.ID.eq(ESCALATION_DISCLOSURE.DECIDED_BY))
                .where(ESCALATION_DISCLOSURE.BASIS.ne(Escalation.Disclosure.CONSENT.name()))
                .orderBy(ESCALATION_DISCLOSURE.DECIDED_AT.desc()).limit(Math.max(1, Math.min(limit, 500)))
                .fetch(r -> new Override(new Escalation.Id(r.value1()), r.value2(),
                        Escalation.Disclosure.valueOf(r.value3()), r.value4(), r.value5(), r.value6().toInstant()));
    }

    /** Null when the ground holds for this escalation now; otherwise why it does not, in words for the operator. */
    static String refusal(Escalation.Disclosure basis, Escalation e, Optional<Situation> situation) {
        if (situation.isEmpty()) {
            return "there is no report on this call yet to take details from";
        }
        Situation s = situation.get();
        return switch (basis) {
            case CONSENT -> s.shareConsent() ? null
                    : "no consent to share identifying details is recorded on the report: ask the caller and record "
                            + "it, or use an override where one applies";
            case OVERRIDE_MINOR -> Boolean.TRUE.equals(s.minorInvolved()) ? null
                    : "the minor override applies only when the report records a victim under 18";
            case OVERRIDE_IMMINENT_DANGER -> e.level() == Escalation.Level.IMMEDIATE ? null
                    : "the imminent-danger override applies only to escalations raised as IMMEDIATE";
        };
    }
}
