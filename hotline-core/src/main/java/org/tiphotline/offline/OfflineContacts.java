package org.tiphotline.offline;

import static org.tiphotline.db.Tables.OFFLINE_CONTACT;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.HotlineMadeCalls;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.CallerNumbers;

/**
 * Records a contact that did not come through the phone system as a report like any other: a call of direction
 * OFFLINE (its time the real time of the contact, in the jurisdiction's zone), answered by the operator who took it,
 * and a draft of the hotline registering form owned by whoever enters it, who then fills and submits it as after a
 * call. A supervisor may enter a contact for the operator who took it; both are kept. Everything commits in one
 * transaction: a refused request stores nothing.
 */
@Service
public class OfflineContacts {

    /** What was recorded; names are staff display names, no caller data. */
    public record Recorded(CallId call, ReportId report, OfflineChannel channel, Instant contactedAt,
            String takenBy, String enteredBy, String callerMask) {}

    private final HotlineMadeCalls made;
    private final Intake intake;
    private final Operators operators;
    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ZoneId zone;
    private final OfflineSettings settings;

    OfflineContacts(HotlineMadeCalls made, Intake intake, Operators operators, DSLContext db, TransactionTemplate tx,
            Clock clock, JurisdictionSettings jurisdiction, OfflineSettings settings) {
        this.made = made;
        this.intake = intake;
        this.operators = operators;
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.zone = ZoneId.of(jurisdiction.timeZone());
        this.settings = settings;
    }

    /**
     * @param contactedAt the local date and time of the contact as the jurisdiction's staff read clocks
     *                    ({@code 2026-12-06T14:30})
     * @param takenBy     the username of the operator who took it; null or blank: the one entering it
     * @param callerNumber the number a backup-phone call came from, or null
     */
    public Recorded record(Actor actor, String channel, String contactedAt, String takenBy, String callerNumber) {
        if (!actor.is(Role.OPERATOR, Role.SUPERVISOR)) {
            throw new SecurityException("contacts are recorded by operators and supervisors");
        }
        OfflineChannel how = OfflineChannel.parse(channel);
        Instant at = when(contactedAt);
        Operator taker = taker(actor, takenBy);
        boolean numberGiven = callerNumber != null && !callerNumber.isBlank();
        if (numberGiven && how != OfflineChannel.BACKUP_PHONE) {
            throw new IllegalArgumentException("callerNumber is recorded only for a call on the backup phone");
        }
        if (numberGiven && !CallerNumbers.isUsable(callerNumber)) {
            throw new IllegalArgumentException("callerNumber must be a phone number of 3 to 20 digits");
        }
        Operator enterer = operators.byId(actor.id()).orElseThrow(() -> new SecurityException("unknown user"));
        return tx.execute(status -> {
            Call call = made.offlineContact(at, how.name(), taker.id(), numberGiven ? callerNumber : null,
                    actor.username());
            db.insertInto(OFFLINE_CONTACT)
                    .set(OFFLINE_CONTACT.CALL_ID, call.id().value())
                    .set(OFFLINE_CONTACT.CHANNEL, how.name())
                    .set(OFFLINE_CONTACT.TAKEN_BY, taker.id().value())
                    .set(OFFLINE_CONTACT.ENTERED_BY, actor.id().value())
                    .set(OFFLINE_CONTACT.ENTERED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                    .execute();
            ReportId report = intake.openDraft(call.id(), actor.id());
            return new Recorded(call.id(), report, how, at, taker.displayName(), enterer.displayName(),
                    call.callerMask());
        });
    }

    private Instant when(String contactedAt) {
        if (contactedAt == null || contactedAt.isBlank()) {
            throw new IllegalArgumentException(
                    "contactedAt is required: the date and time of the contact, e.g. 2026-12-06T14:30");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(contactedAt.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "contactedAt must be a date and time like 2026-12-06T14:30 (the jurisdiction's time)");
        }
        Instant at = local.atZone(zone).toInstant();
        Instant now = clock.instant();
        if (at.isAfter(now.plus(settings.clockSlack()))) {
            throw new IllegalArgumentException("contactedAt is in the future: give when the contact happened");
        }
        if (at.isBefore(now.minus(settings.oldest()))) {
            throw new IllegalArgumentException("contactedAt is more than " + settings.oldest().toDays()
                    + " days ago: check the date");
        }
        return at;
    }

    private Operator taker(Actor actor, String takenBy) {
        if (takenBy == null || takenBy.isBlank() || takenBy.strip().equals(actor.username())) {
            return operators.byId(actor.id()).orElseThrow(() -> new SecurityException("unknown user"));
        }
        if (!actor.is(Role.SUPERVISOR)) {
            throw new SecurityException("only a supervisor records a contact on behalf of another operator");
        }
        Operator taker = operators.byUsername(takenBy.strip())
                .orElseThrow(() -> new IllegalArgumentException("takenBy names no user of the hotline"));
        if (taker.role() != Role.OPERATOR) {
            throw new IllegalArgumentException("takenBy must name an operator: contacts are taken by operators");
        }
        return taker;
    }

    /** The operators a supervisor may record a contact for, by name. */
    public java.util.List<Operator> takers() {
        return operators.all().stream().filter(o -> o.role() == Role.OPERATOR).toList();
    }
}
