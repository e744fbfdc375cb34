package org.tiphotline.callers;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLER_FLAG;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.db.tables.AppUser;
import org.tiphotline.intake.FormField;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;

/**
 * Supervisors' flags on callers. A flag is set from a call and holds that call's keyed number hash, so it shows on
 * every later call from the number without the number being decrypted; a withheld number has no hash and cannot be
 * flagged. Every flag ends (it expires, at most {@link #LONGEST} after it was set, or is lifted early) and stays on
 * record. Setting, lifting and every read of the notes leave an audit row in the same transaction.
 */
@Service
public class CallerFlags {

    /** How long a flag may last at most: a caller is not marked for good on one supervisor's say. */
    public static final int LONGEST_DAYS = 365;
    static final Duration LONGEST = Duration.ofDays(LONGEST_DAYS);
    private static final FormField NOTE = FormField.personal("note", "Flag", "Note", FormField.Kind.TEXT, 300);
    private static final AppUser SETTER = APP_USER.as("setter");
    private static final AppUser LIFTER = APP_USER.as("lifter");

    private final DSLContext db;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final Clock clock;

    CallerFlags(DSLContext db, FieldCipher cipher, AuditTrail audit, Clock clock) {
        this.db = db;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
    }

    /** A supervisor flags the caller of {@code call} for {@code days} days (1 to a year); the note is optional. */
    @Transactional
    public CallerFlag set(Actor actor, CallId call, FlagKind kind, String note, int days) {
        requireSupervisor(actor);
        if (kind == null) {
            throw new IllegalArgumentException("kind must be one of ABUSIVE, HIGH_RISK, PRANK");
        }
        if (days < 1 || days > LONGEST_DAYS) {
            throw new IllegalArgumentException("days must be between 1 and " + LONGEST_DAYS
                    + ": every flag ends, at most a year after it is set");
        }
        // Checked as every form's free text is (length, control characters, markup), answered field by field.
        String text = (String) NOTE.normalise(note == null ? null : note.strip(), LocalDate.now(clock));
        Record from = db.select(CALL.CALLER_HASH).from(CALL).where(CALL.ID.eq(call.value())).fetchOne();
        if (from == null) {
            throw new UnknownCall(call);
        }
        if (from.get(CALL.CALLER_HASH) == null) {
            throw new IllegalArgumentException("the caller's number was withheld on this call: there is no number "
                    + "to flag");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        db.insertInto(CALLER_FLAG)
                .set(CALLER_FLAG.ID, id)
                .set(CALLER_FLAG.CALLER_HASH, from.get(CALL.CALLER_HASH))
                .set(CALLER_FLAG.CALL_ID, call.value())
                .set(CALLER_FLAG.KIND, kind.name())
                .set(CALLER_FLAG.NOTE_ENC, text == null ? null : cipher.encrypt(text, bound(id)))
                .set(CALLER_FLAG.SET_BY, actor.id().value())
                .set(CALLER_FLAG.SET_AT, utc(now))
                .set(CALLER_FLAG.EXPIRES_AT, utc(now.plus(Duration.ofDays(days))))
                .execute();
        audit.record(actor.username(), AuditTrail.Action.CREATE, "caller_flag", id,
                text == null ? List.of("kind", "expiresAt") : List.of("kind", "expiresAt", "note"));
        return fetch(CALLER_FLAG.ID.eq(id)).getFirst();
    }

    /** A supervisor ends a flag before its time. Lifting one already lifted or expired is refused (409). */
    @Transactional
    public CallerFlag lift(Actor actor, UUID id) {
        requireSupervisor(actor);
        var flag = db.selectFrom(CALLER_FLAG).where(CALLER_FLAG.ID.eq(id)).forUpdate().fetchOne();
        if (flag == null) {
            throw new CallerFlagNotFound(id);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (flag.getLiftedAt() != null) {
            throw new IllegalStateException("this flag was already lifted");
        }
        if (!flag.getExpiresAt().toInstant().isAfter(now)) {
            throw new IllegalStateException("this flag has already expired");
        }
        db.update(CALLER_FLAG).set(CALLER_FLAG.LIFTED_BY, actor.id().value()).set(CALLER_FLAG.LIFTED_AT, utc(now))
                .where(CALLER_FLAG.ID.eq(id)).execute();
        audit.record(actor.username(), AuditTrail.Action.CHANGE, "caller_flag", id, List.of("liftedAt"));
        return fetch(CALLER_FLAG.ID.eq(id)).getFirst();
    }

    /** Every flag in force, soonest to end first, for the supervisors' list; the notes' read is audited. */
    @Transactional
    public List<CallerFlag> active(Actor actor) {
        requireSupervisor(actor);
        List<CallerFlag> flags = fetch(inForce());
        audit.record(actor.username(), AuditTrail.Action.READ, "caller_flag", "in force", noteFields(flags));
        return flags;
    }

    /**
     * The flags in force on the number behind {@code callerHash}, for a pop. No access check and no audit row: the
     * caller ({@link EarlierContacts}) has decided the reader may see them and audits the whole listing.
     */
    List<CallerFlag> inForceFor(byte[] callerHash) {
        if (callerHash == null) {
            return List.of();
        }
        return fetch(inForce().and(CALLER_FLAG.CALLER_HASH.eq(callerHash)));
    }

    /** What an audit row names of a list of flags: each flag's note that was decrypted. */
    static List<String> noteFields(List<CallerFlag> flags) {
        List<String> fields = new ArrayList<>();
        for (CallerFlag f : flags) {
            fields.add("caller_flag:" + f.id() + (f.note() != null ? ":note" : ""));
        }
        return fields;
    }

    private Condition inForce() {
        return CALLER_FLAG.LIFTED_AT.isNull().and(CALLER_FLAG.EXPIRES_AT.gt(utc(clock.instant())));
    }

    private List<CallerFlag> fetch(Condition where) {
        return db.select(CALLER_FLAG.ID, CALLER_FLAG.KIND, CALLER_FLAG.NOTE_ENC, CALL.CALLER_MASK, CALLER_FLAG.CALL_ID,
                        SETTER.DISPLAY_NAME, CALLER_FLAG.SET_AT, CALLER_FLAG.EXPIRES_AT, LIFTER.DISPLAY_NAME,
                        CALLER_FLAG.LIFTED_AT)
                .from(CALLER_FLAG)
                .join(CALL).on(CALL.ID.eq(CALLER_FLAG.CALL_ID))
                .join(SETTER).on(SETTER.ID.eq(CALLER_FLAG.SET_BY))
                .leftJoin(LIFTER).on(LIFTER.ID.eq(CALLER_FLAG.LIFTED_BY))
                .where(where)
                .orderBy(CALLER_FLAG.EXPIRES_AT, CALLER_FLAG.ID)
                .fetch(r -> new CallerFlag(r.get(CALLER_FLAG.ID), FlagKind.valueOf(r.get(CALLER_FLAG.KIND)),
                        cipher.decrypt(r.get(CALLER_FLAG.NOTE_ENC), bound(r.get(CALLER_FLAG.ID))),
                        r.get(CALL.CALLER_MASK), new CallId(r.get(CALLER_FLAG.CALL_ID)), r.get(SETTER.DISPLAY_NAME),
                        r.get(CALLER_FLAG.SET_AT).toInstant(), r.get(CALLER_FLAG.EXPIRES_AT).toInstant(),
                        r.get(LIFTER.DISPLAY_NAME),
                        r.get(CALLER_FLAG.LIFTED_AT) == null ? null : r.get(CALLER_FLAG.LIFTED_AT).toInstant()));
    }

    private static void requireSupervisor(Actor actor) {
        if (!actor.is(Role.SUPERVISOR)) {
            throw new SecurityException("caller flags are set, lifted and listed by supervisors");
        }
    }

    private static String bound(UUID id) {
        return "caller_flag.note:" + id;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
