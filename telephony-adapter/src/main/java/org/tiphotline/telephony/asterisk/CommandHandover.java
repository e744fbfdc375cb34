package org.tiphotline.telephony.asterisk;

import static org.tiphotline.db.Tables.ASTERISK_COMMAND;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;

/**
 * Commands to Asterisk that this node cannot give (it does not hold a resynced AMI link), handed over durably to
 * the node that does (V49): a row, and a NOTIFY on commit that carries its id only, so the leader acts within
 * milliseconds. The leader claims rows in order with {@code FOR UPDATE SKIP LOCKED}, decides each one's fate
 * (carried out, or why not: an offer that no longer stands), marks it done and erases its number in the same
 * transaction, and only then acts: at most once across a crash, exactly once while it lives.
 */
final class CommandHandover {

    /** The NOTIFY channel; payloads are command ids, never a number. */
    static final String CHANNEL = "asterisk_command";
    static final String CARRIED_OUT = "carried out";
    private static final int BATCH = 50;

    /**
     * {@code SUPERVISE_*} and {@code END_*}: a supervisor's leg (V58); the operator is the supervisor. {@code CONSULT},
     * {@code HAND_OVER}, {@code CALL_OFF_CONSULT}: a consult's steps (V60), the operator is the colleague asked;
     * {@code INTERPRETER}: an interpreter line, its number as an escalation's.
     */
    enum Kind {
        CONNECT, WITHDRAW, CONFERENCE, TRANSFER, HANG_UP, CALL_BACK, SUPERVISE_LISTEN, SUPERVISE_WHISPER,
        SUPERVISE_JOIN, END_LISTEN, END_WHISPER, END_JOIN, CONSULT, HAND_OVER, CALL_OFF_CONSULT, INTERPRETER;

        /** The supervision mode of a {@code SUPERVISE_*} or {@code END_*} command, else null. */
        org.tiphotline.telephony.SupervisionMode supervision() {
            String mode = name().startsWith("SUPERVISE_") ? name().substring(10)
                    : name().startsWith("END_") ? name().substring(4) : null;
            return mode == null ? null : org.tiphotline.telephony.SupervisionMode.valueOf(mode);
        }
    }

    /** One command as handed over; {@code number} in clear only between claim and action, on the leader. */
    record Command(UUID id, Kind kind, String callRef, OperatorId operator, String number) {

        @Override
        public String toString() {
            // Never the number, not even in a debug line.
            return kind + " " + callRef + (operator == null ? "" : " for operator " + operator);
        }
    }

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final String node;

    CommandHandover(DSLContext db, TransactionTemplate tx, FieldCipher cipher, AuditTrail audit, String node) {
        this.db = db;
        this.tx = tx;
        this.cipher = cipher;
        this.audit = audit;
        this.node = node;
    }

    /** Hands a command over; returns once it is committed (and the leader woken). */
    UUID handOver(Kind kind, String callRef, OperatorId operator, String number) {
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            db.insertInto(ASTERISK_COMMAND).set(ASTERISK_COMMAND.ID, id).set(ASTERISK_COMMAND.KIND, kind.name())
                    .set(ASTERISK_COMMAND.CALL_REF, callRef)
                    .set(ASTERISK_COMMAND.OPERATOR_ID, operator == null ? null : operator.value())
                    .set(ASTERISK_COMMAND.NUMBER_ENC, number == null ? null : cipher.encrypt(number, boundTo(id)))
                    .set(ASTERISK_COMMAND.FROM_NODE, node).execute();
            // Delivered by PostgreSQL on commit, and not at all on a rollback.
            db.select(DSL.function("pg_notify", Object.class, DSL.val(CHANNEL), DSL.val(id.toString()))).fetch();
        });
        return id;
    }

    /** A claimed command and its fate: {@code whyNot} null when it is to be carried out. */
    record Claimed(Command command, String whyNot) {}

    /**
     * Claims the pending commands, oldest first, in batches: asks {@code whyNot} about each (null: carry it out;
     * else the reason it is dropped, in words without personal data), marks each done in the batch's transaction
     * and hands the batch to {@code afterCommit} once committed. A node running this at the same time skips the rows
     * locked here.
     */
    void claim(Function<Command, String> whyNot, Function<OperatorId, String> username,
            Consumer<List<Claimed>> afterCommit) {
        while (true) {
            List<Claimed> batch = tx.execute(status -> {
                List<Claimed> claimed = new ArrayList<>();
                var rows = db.selectFrom(ASTERISK_COMMAND).where(ASTERISK_COMMAND.DONE_AT.isNull())
                        .orderBy(ASTERISK_COMMAND.SEQ).limit(BATCH).forUpdate().skipLocked().fetch();
                for (var row : rows) {
                    String number = null;
                    if (row.getNumberEnc() != null) {
                        number = cipher.decrypt(row.getNumberEnc(), boundTo(row.getId()));
                        if (Kind.valueOf(row.getKind()) == Kind.CALL_BACK) {
                            // The person's number read in clear to dial it, in the name of the operator who dials.
                            audit.record(username.apply(new OperatorId(row.getOperatorId())), AuditTrail.Action.READ,
                                    "asterisk_command", row.getId(), List.of("number"));
                        }
                    }
                    Command command = new Command(row.getId(), Kind.valueOf(row.getKind()), row.getCallRef(),
                            row.getOperatorId() == null ? null : new OperatorId(row.getOperatorId()), number);
                    String why;
                    try {
                        why = whyNot.apply(command);
                    } catch (RuntimeException e) {
                        why = "could not be checked: " + e.getClass().getSimpleName();
                    }
                    db.update(ASTERISK_COMMAND).set(ASTERISK_COMMAND.DONE_AT, DSL.currentOffsetDateTime())
                            .set(ASTERISK_COMMAND.DONE_BY, node)
                            .set(ASTERISK_COMMAND.OUTCOME, why == null ? CARRIED_OUT : why)
                            .setNull(ASTERISK_COMMAND.NUMBER_ENC).where(ASTERISK_COMMAND.ID.eq(row.getId())).execute();
                    claimed.add(new Claimed(command, why));
                }
                return claimed;
            });
            if (batch == null || batch.isEmpty()) {
                return;
            }
            afterCommit.accept(batch);
        }
    }

    /** Calls with a connect handed over and not yet claimed: their offer has not rung anywhere yet. */
    Set<String> pendingConnects() {
        return Set.copyOf(db.select(ASTERISK_COMMAND.CALL_REF).from(ASTERISK_COMMAND)
                .where(ASTERISK_COMMAND.DONE_AT.isNull()).and(ASTERISK_COMMAND.KIND.eq(Kind.CONNECT.name()))
                .fetch(ASTERISK_COMMAND.CALL_REF));
    }

    private static String boundTo(UUID id) {
        return "asterisk_command.number:" + id;
    }
}
