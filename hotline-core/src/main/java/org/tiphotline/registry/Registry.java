package org.tiphotline.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.CallId;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Role;

/**
 * The case registry. Every channel's report becomes a potential case (or is linked to a known one); a data
 * manager assesses it in the standard format, moves it through its statuses and links or merges duplicates, and
 * every step is a row of the case's history with who and when.
 *
 * <p>Need to know: only data managers and the data management leader open cases at all. Every data manager sees
 * the list and the fields that name no one; the personal fields of a case only its assigned data manager and the
 * leader read or change, each read audited. Everyone else is told the case does not exist.
 *
 * <p>This is the registry's front: each job is a class of its own ({@link CaseReceiving} the reports coming in,
 * {@link CaseReading} the list, a case and its history, {@link CaseEditing} its fields and consent answers,
 * {@link CaseAssignment} who works on it and its status, {@link CaseRecords} what they share).
 */
@Service
public class Registry {

    /**
     * A case as a data manager sees it; {@code personalHidden}: its personal fields exist but are not theirs.
     * {@code fieldVersions}: how often each field was changed, to send back with a save of it (0 when never).
     * {@code refused}: text typed into a field that the standard format did not accept, kept with the case until
     * the field is saved again, for readers who may see that field; never one of the case's values.
     */
    public record RegistryCase(CaseId id, String reference, CaseStatus status, OperatorId assignedTo,
            String assignedName, int formVersion, int version, Map<String, Object> values,
            Map<String, Integer> fieldVersions, Map<String, Refused> refused, boolean personalHidden,
            List<Consent> consent, List<Source> sources, CaseId mergedInto, Instant createdAt, Instant updatedAt) {}

    /** Text typed into a field that the standard format did not accept, and why it was not accepted. */
    public record Refused(String value, String reason) {}

    /** One row of the list: what names no one. */
    public record Summary(CaseId id, String reference, CaseStatus status, String assignedName, String sex,
            Integer age, String place, List<String> exploitationTypes, Instant createdAt) {}

    /**
     * The current answer to one consent question. {@code askedBy} names a person: null for readers who may not see
     * the case's personal fields. {@code mergedFrom}: the closed case this answer was carried over from, if any.
     */
    public record Consent(String question, boolean answer, String askedBy, LocalDate askedOn, Instant recordedAt,
            CaseId mergedFrom) {}

    /**
     * {@code call}: the call a hotline report belongs to (the call log's entry), else null. {@code offlineChannel}: for a hotline report of a contact recorded by hand (issue 18), how it came (WALK_IN,
     * BACKUP_PHONE, LETTER, EMAIL); null for a call on the line and the other channels.
     */
    public record Source(CaseSource.Channel channel, UUID report, UUID call, Instant linkedAt,
            String offlineChannel) {}

    public record Event(int seq, String type, Instant at, String actorName, Map<String, Object> detail) {}

    public record Created(CaseId id, String reference) {}

    /** A field saved: the case's version and the field's own. */
    public record Saved(int version, int fieldVersion) {}

    /** Someone a case can be assigned to, by name. */
    public record DataManager(String username, String displayName, Role role) {}

    /**
     * The facts the protection rules read (the age, the kinds of exploitation) were set on a case: when it was
     * received from a channel, or when a data manager changed them. Published inside the transaction of the
     * change, so a referral it causes commits with it or not at all.
     */
    public record ProtectionFactsChanged(CaseId id, boolean minor, List<String> exploitationTypes) {}

    /** The field name audit rows give to who asked the consent questions. */
    static final String CONSENT_ASKED_BY = "consent.askedBy";

    /**
     * Reports submitted more than this long ago and still without a case are the sweep's: a report submitted a
     * moment before is being received by its own event, and both would insert its link (the unique key refused
     * the second, seen under load in the end-to-end benchmark).
     */
    static final Duration SWEEP_GRACE = Duration.ofSeconds(30);

    final CaseRecords records;
    private final CaseReceiving receiving;
    private final CaseReading reading;
    private final CaseEditing editing;
    private final CaseAssignment assignment;

    Registry(CaseRecords records, CaseReceiving receiving, CaseReading reading, CaseEditing editing,
            CaseAssignment assignment) {
        this.records = records;
        this.receiving = receiving;
        this.reading = reading;
        this.editing = editing;
        this.assignment = assignment;
    }

    /**
     * A channel's report enters the registry as a new potential case. Receiving the same report twice gives the
     * case it already belongs to. Joins the caller's transaction, so the report and its case commit together.
     */
    public Created receive(CaseSource source, CaseFacts facts, OperatorId by) {
        return receiving.receive(source, facts, by, null);
    }

    /**
     * As {@link #receive(CaseSource, CaseFacts, OperatorId)}, for a report that gives the reference of an earlier
     * report or case ({@code earlierReference}, as typed; null if none): when it names a case, the report joins
     * that case (the one it was merged into, if it was) as a new source, and no case is created. A reference that
     * names nothing, or is not a reference at all, never costs the report: it opens a potential case as any
     * report does, whose history says the reference was given and not found.
     */
    public Created receive(CaseSource source, CaseFacts facts, OperatorId by, String earlierReference) {
        return receiving.receive(source, facts, by, earlierReference);
    }

    /** The case a report belongs to now, if any. */
    public Optional<Created> caseOf(CaseSource source) {
        return receiving.caseOf(source);
    }

    /**
     * Submitted hotline reports that have no case (the process stopped between the submission and its case):
     * received now. Returns how many. Only reports submitted more than {@link #SWEEP_GRACE} ago. One failure does
     * not stop the rest.
     */
    public int receiveMissed() {
        return receiving.receiveMissed();
    }

    /**
     * A step of an escalation (raised, acknowledged, its outcome, closed) into the history of every case it
     * concerns: the case it was raised for, and the cases that hold its report or a report of its call. Codes only:
     * its reason and the outcome's note may name people and stay on the escalation, encrypted or audited there.
     * Joins the caller's transaction. A call whose report is not yet a case writes nothing here: the case gets
     * the escalation's state when the report joins it.
     */
    public void escalationStep(CaseId caseId, ReportId report, CallId call, OperatorId by, Map<String, String> detail) {
        receiving.escalationStep(caseId, report, call, by, detail);
    }

    /**
     * The case a reference names (a case number, or the R-/S- code of one of its reports), for the registry's own
     * users: what names no one, as in the list; empty when it names none.
     */
    public Optional<Summary> find(Actor actor, String reference) {
        return reading.find(actor, reference);
    }

    /** Cases newest first, for data managers: no personal field. */
    public List<Summary> list(Actor actor, CaseStatus status, int limit) {
        return reading.list(actor, status, limit);
    }

    /** One case; its personal fields only for its data manager and the leader, and that read is audited. */
    public RegistryCase view(CaseId id, Actor actor) {
        return reading.view(id, actor);
    }

    /**
     * The case's history, oldest first. Each consent answer carries who asked it for those who may read the
     * case's personal fields (that read audited); others see that it was answered, and when.
     */
    public List<Event> history(CaseId id, Actor actor) {
        return reading.history(id, actor);
    }

    /**
     * Validates and stores one field of the standard format; returns the case's new version. Text typed into a
     * text, phone or number field that is refused is kept with the case ({@link org.tiphotline.intake.RefusedValueKept})
     * until the field is saved again, so that a reload shows it back instead of losing it.
     */
    public int saveField(CaseId id, Actor actor, String fieldName, Object raw) {
        return editing.saveField(id, actor, fieldName, raw, null).version();
    }

    /**
     * As {@link #saveField(CaseId, Actor, String, Object)}, typed over the field's version {@code seen}: when the
     * field changed since, and to another value, nothing is stored and a {@link FieldConflict} carries the value
     * stored now (null {@code seen}: no check).
     */
    public Saved saveField(CaseId id, Actor actor, String fieldName, Object raw, Integer seen) {
        return editing.saveField(id, actor, fieldName, raw, seen);
    }

    /**
     * Moves the case to another status, with who and when in its history. A decision status needs the decision
     * recorded in section E (question 18) to agree with it.
     */
    public void changeStatus(CaseId id, CaseStatus to, String note, Actor actor) {
        assignment.changeStatus(id, to, note, actor);
    }

    /** Gives the case to a data manager. The leader assigns anyone; a data manager may take an unassigned case. */
    public void assign(CaseId id, OperatorId assignee, Actor actor) {
        assignment.assign(id, assignee, actor);
    }

    /** The data managers and leaders a case can be assigned to, by name; for the registry's own users. */
    public List<DataManager> dataManagers(Actor actor) {
        return assignment.dataManagers(actor);
    }

    /**
     * An answer to one of the consent questions 1.1-1.5, who asked and when. It becomes the question's current
     * answer; every earlier answer stays, with its own asker and date, and each is a row of the history.
     */
    public void recordConsent(CaseId id, String question, Boolean answer, String askedBy, LocalDate askedOn,
            Actor actor) {
        editing.recordConsent(id, question, answer, askedBy, askedOn, actor);
    }

    /** Where a case's personal fields are bound when encrypted: exports decrypt them with the same binding. */
    public static String personalBoundTo(UUID caseId) {
        return "registry_case.personal:" + caseId;
    }

    static void requireRegistryUser(Actor actor) {
        if (!actor.is(Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            throw new CaseNotFound();
        }
    }
}
