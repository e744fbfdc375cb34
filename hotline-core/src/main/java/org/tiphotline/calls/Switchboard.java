package org.tiphotline.calls;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.rotation.CallerHashRotation;

/**
 * Where every telephony provider reports what happens to its calls, in provider-neutral terms. Each report is
 * stored as an event in its own transaction before anything reacts to it; the facts are published only after
 * the commit, so no listener ever acts on a call that is not durably recorded. Reports that do not fit the
 * call's life (duplicates, late arrivals) are dropped and answered with {@code false}.
 */
@Service
public class Switchboard {

    /** Not a provider's delivery key: remembered (in memory only) for a call this node stored as ended. */
    private static final String ENDED_HERE = "(ended on this node)";


    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);

    private final Calls calls;
    private final FieldCipher cipher;
    private final CallerNumbers numbers;
    private final CallerHashRotation hashRotation;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final CallSettings settings;

    public Switchboard(Calls calls, FieldCipher cipher, CallerNumbers numbers,
            CallerHashRotation hashRotation, AuditTrail audit,
            TransactionTemplate tx, ApplicationEventPublisher events, Clock clock, CallSettings settings) {
        this.calls = calls;
        this.cipher = cipher;
        this.numbers = numbers;
        this.hashRotation = hashRotation;
        this.audit = audit;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    /** A new call reached the hotline. Idempotent: the same provider call reported twice is one call. */
    public CallId arrived(CallRef ref, String callerNumber, String dialled) {
        if (dialled == null || dialled.isBlank() || dialled.length() > 40
                || dialled.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("dialled number must be 1-40 printable characters");
        }
        Optional<CallId> known = calls.idOf(ref);
        if (known.isPresent()) {
            return known.get();
        }
        String number = CallerNumbers.isUsable(callerNumber) ? CallerNumbers.normalise(callerNumber) : null;
        CallId id = CallId.random();
        try {
            tx.executeWithoutResult(status -> {
                // During a rotation of the hash key: the caller's earlier rows first, so this call matches them.
                hashRotation.adopt(number);
                calls.insert(id, ref, cipher.encrypt(number, "call.caller_number:" + id), numbers.hash(number),
                        CallerNumbers.mask(number), dialled.strip(), clock.instant());
                if (number != null) {
                    audit.record("system:" + ref.provider(), AuditTrail.Action.CREATE, "call", id,
                            List.of("caller_number"));
                }
            });
        } catch (DuplicateKeyException raced) {
            // Two deliveries of the same arrival raced; the other one stored it.
            return calls.idOf(ref).orElseThrow(() -> raced);
        }
        calls.remember(ref, id);
        events.publishEvent(new Call.Arrived(id));
        return id;
    }

    /** Refuses an answer the IVR could not have produced; adapters check all answers before storing a call. */
    public void checkIvrAnswer(IvrQuestion question, String answer) {
        String problem = question.problemWith(answer);
        if (problem == null && question == IvrQuestion.LANGUAGE && !settings.languages().contains(answer)) {
            problem = "language must be one of " + settings.languages();
        }
        if (problem != null) {
            throw new IllegalArgumentException(question + ": " + problem);
        }
    }

    public boolean ivrAnswered(CallRef ref, IvrQuestion question, String answer) {
        return ivrAnswered(ref, question, answer, null);
    }

    /** The IVR is done and the caller waits for an operator. */
    public boolean ivrCompleted(CallRef ref) {
        return ivrCompleted(ref, null);
    }

    public boolean ringing(CallRef ref, OperatorId operator) {
        return ringing(ref, operator, null, true);
    }

    public boolean answered(CallRef ref, OperatorId operator) {
        return answered(ref, operator, null);
    }

    /** The operator's endpoint did not answer, was busy, or the call to it failed. */
    public boolean noAnswer(CallRef ref, OperatorId operator, String reason) {
        return noAnswer(ref, operator, reason, null);
    }

    /** The caller hung up. Before an operator answered this is an abandoned call; after, the end of the call. */
    public boolean callerHungUp(CallRef ref) {
        return callerHungUp(ref, null);
    }

    /** The call ended for another reason: the operator hung up, the provider lost it, reconciliation closed it. */
    public boolean ended(CallRef ref, String by) {
        return ended(ref, by, null);
    }

    public boolean transferred(CallRef ref, String destinationLabel) {
        return transferred(ref, destinationLabel, null);
    }

    /**
     * The provider reports how bringing the escalation line into the call went. A failure is recorded too:
     * whoever reviews the call must see that the police line was tried and did not answer.
     */
    public boolean escalated(CallRef ref, String mode, boolean connected, String reason) {
        return escalated(ref, mode, connected, reason, null);
    }

    /**
     * The same reports, for a provider that may deliver one more than once (webhook retries): each is stored at
     * most once per call and {@code deliveryKey} (a database constraint), and a repeat is answered with
     * {@code false} like any other report that does not fit the call's life.
     */
    public Once once(String deliveryKey) {
        if (deliveryKey == null || deliveryKey.isBlank() || deliveryKey.length() > 200) {
            throw new IllegalArgumentException("a delivery key is 1-200 characters");
        }
        return new Once(deliveryKey);
    }

    /** Reports under one delivery key; see {@link #once}. */
    public final class Once {
        private final String key;

        private Once(String key) {
            this.key = key;
        }

        public boolean ivrAnswered(CallRef ref, IvrQuestion question, String answer) {
            return Switchboard.this.ivrAnswered(ref, question, answer, key);
        }

        public boolean ivrCompleted(CallRef ref) {
            return Switchboard.this.ivrCompleted(ref, key);
        }

        public boolean ringing(CallRef ref, OperatorId operator) {
            return Switchboard.this.ringing(ref, operator, key, true);
        }

        /**
         * A ringing another report implies (an answer that overtook it, the end of the Dial that restates it):
         * stored when the ringing report itself never came, and the pop then follows its record; never a pop
         * ahead of the record. With two nodes the pop prepared at the offer may still wait on a node the ringing
         * report did not reach, and this node cannot know the report was delivered to the other: a restatement
         * sent that prepared pop again, to an operator already on (or done with) the call.
         */
        public boolean ringingImplied(CallRef ref, OperatorId operator) {
            return Switchboard.this.ringing(ref, operator, key, false);
        }

        public boolean answered(CallRef ref, OperatorId operator) {
            return Switchboard.this.answered(ref, operator, key);
        }

        public boolean noAnswer(CallRef ref, OperatorId operator, String reason) {
            return Switchboard.this.noAnswer(ref, operator, reason, key);
        }

        public boolean callerHungUp(CallRef ref) {
            return Switchboard.this.callerHungUp(ref, key);
        }

        public boolean ended(CallRef ref, String by) {
            return Switchboard.this.ended(ref, by, key);
        }

        public boolean transferred(CallRef ref, String destinationLabel) {
            return Switchboard.this.transferred(ref, destinationLabel, key);
        }

        public boolean escalated(CallRef ref, String mode, boolean connected, String reason) {
            return Switchboard.this.escalated(ref, mode, connected, reason, key);
        }
    }

    private boolean ivrAnswered(CallRef ref, IvrQuestion question, String answer, String delivery) {
        checkIvrAnswer(question, answer);
        return record(ref, CallEventType.IVR_ANSWER, null, Map.of("question", question.name(), "answer", answer),
                delivery).map(call -> {
                    if (question == IvrQuestion.IMMEDIATE_DANGER && "YES".equals(answer)) {
                        events.publishEvent(new Call.DangerReported(call.id()));
                    }
                    return true;
                }).orElse(false);
    }

    private boolean ivrCompleted(CallRef ref, String delivery) {
        return record(ref, CallEventType.QUEUED, null, Map.of(), delivery).map(call -> {
            events.publishEvent(new Call.Queued(call.id(), call.urgent(), call.language(), call.queuedAt()));
            return true;
        }).orElse(false);
    }

    private boolean ringing(CallRef ref, OperatorId operator, String delivery, boolean reported) {
        // The report's own time is the ringing time stored below, so the pop is measured from the report's
        // arrival. A call this process has not seen yet (after a restart) is looked up in the database by the
        // record below; the pop then waits for it (Intake's slow path).
        Instant at = clock.instant();
        if (reported && !calls.deliveredHere(ref, delivery)) {
            calls.knownId(ref).ifPresent(id -> events.publishEvent(new Call.RingReported(id, operator, at)));
        }
        // The pop prepared at the offer left on RingReported above: it must not wait for this record's lock,
        // insert and WAL flush, which at load queue behind every other call's (the pop's p99 went from 16 to
        // 57-106 ms once offers stopped being committed one at a time, docs/benchmarks.md). Ringing is published
        // under the call's row lock, before the commit; listeners that need the record committed register for
        // after the commit (Intake does for a pop it has to build from the database).
        return record(ref, CallEventType.RINGING, operator, Map.of(), delivery, at,
                call -> events.publishEvent(new Call.Ringing(call.id(), operator, call.events().getLast().at())))
                .isPresent();
    }

    private boolean answered(CallRef ref, OperatorId operator, String delivery) {
        return record(ref, CallEventType.ANSWERED, operator, Map.of(), delivery).map(call -> {
            events.publishEvent(new Call.Answered(call.id(), operator));
            return true;
        }).orElse(false);
    }

    private boolean noAnswer(CallRef ref, OperatorId operator, String reason, String delivery) {
        return record(ref, CallEventType.NO_ANSWER, operator, Map.of("reason", reason), delivery).map(call -> {
            events.publishEvent(new Call.OfferUnanswered(call.id(), operator, reason));
            return true;
        }).orElse(false);
    }

    private boolean callerHungUp(CallRef ref, String delivery) {
        // A call this node ended is over whoever reports what: Twilio's final status after the Dial's end (the
        // operator hung up) then costs no row lock, whose commit is written to disk like any other.
        if (calls.deliveredHere(ref, delivery) || calls.deliveredHere(ref, ENDED_HERE)) {
            return false;
        }
        Optional<Call> stored = tx.execute(status -> calls.lock(ref).map(locked -> {
            Call call = locked.call();
            if (call.state() == CallState.ENDED || locked.delivered(delivery)) {
                return Switchboard.<Call>dropped(status);
            }
            CallEventType type = call.state() == CallState.TALKING ? CallEventType.ENDED : CallEventType.ABANDONED;
            Map<String, String> detail = type == CallEventType.ENDED ? Map.of("by", "caller")
                    : Map.of("stage", call.state().name());
            return Optional.of(calls.append(call, type, clock.instant(), null, detail, delivery));
        }).orElseThrow(() -> new UnknownCall(ref)));
        stored.ifPresent(call -> remember(ref, delivery, call));
        return stored.map(this::publishEnded).orElse(false);
    }

    private boolean ended(CallRef ref, String by, String delivery) {
        return record(ref, CallEventType.ENDED, null, Map.of("by", by), delivery).map(this::publishEnded)
                .orElse(false);
    }

    private boolean transferred(CallRef ref, String destinationLabel, String delivery) {
        return record(ref, CallEventType.TRANSFERRED, null, Map.of("to", destinationLabel), delivery).map(call -> {
            events.publishEvent(new Call.Transferred(call.id(), destinationLabel));
            return true;
        }).orElse(false);
    }

    private boolean escalated(CallRef ref, String mode, boolean connected, String reason, String delivery) {
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("mode", mode);
        detail.put("result", connected ? "connected" : "failed");
        if (reason != null) {
            detail.put("reason", reason);
        }
        return record(ref, CallEventType.ESCALATED, null, detail, delivery).map(call -> {
            events.publishEvent(new Call.Escalated(call.id(), mode, connected));
            return true;
        }).orElse(false);
    }

    /** The routing brain offers the call to an operator; only the core records offers. */
    public boolean offered(CallId id, OperatorId operator) {
        Optional<Call> call = tx.execute(status -> calls.lock(id)
                .filter(c -> c.accepts(CallEventType.OFFERED, operator))
                .map(c -> calls.append(c, CallEventType.OFFERED, clock.instant(), operator, Map.of())));
        call.ifPresent(c -> events.publishEvent(new Call.Offered(c.id(), operator)));
        return call.isPresent();
    }

    /** The routing brain withdrew an offer nobody answered in time. */
    public boolean offerTimedOut(CallId id, OperatorId operator, String reason) {
        Optional<Call> call = tx.execute(status -> calls.lock(id)
                .filter(c -> c.accepts(CallEventType.NO_ANSWER, operator))
                .map(c -> calls.append(c, CallEventType.NO_ANSWER, clock.instant(), operator,
                        Map.of("reason", reason))));
        call.ifPresent(c -> events.publishEvent(new Call.OfferUnanswered(c.id(), operator, reason)));
        return call.isPresent();
    }

    /**
     * A step of an escalation about this call, into its timeline: in the transaction of the escalation's change
     * when there is one, so the step and the timeline cannot disagree. Any state, the call may have ended.
     */
    public void escalationStep(CallId id, Map<String, String> detail) {
        tx.executeWithoutResult(status -> {
            Call call = calls.lock(id).orElseThrow(() -> new IllegalArgumentException("no call " + id));
            calls.append(call, CallEventType.ESCALATION_STEP, clock.instant(), null, detail);
        });
    }

    /** Lists what to reconcile: the calls of this provider the system still believes are in progress. */
    public List<CallRef> unfinished(String provider) {
        return new ArrayList<>(calls.unfinished(provider));
    }

    /** Ends the records of this provider's calls that the provider says are no longer live. */
    public void reconcile(String provider, java.util.Set<String> live) {
        reconcile(unfinished(provider), provider, live);
    }

    /**
     * Ends those of {@code ours} (open records read before {@code live} was listed, so a caller who arrived in
     * between is not closed for missing from the list) that are not live.
     */
    public void reconcile(List<CallRef> ours, String provider, java.util.Set<String> live) {
        for (CallRef ref : ours) {
            if (!live.contains(ref.providerCallId())) {
                ended(ref, "reconciled: no longer live at " + provider);
            }
        }
    }

    private boolean publishEnded(Call call) {
        events.publishEvent(new Call.Ended(call.id(), call.outcome(),
                call.answeredAt() == null ? null : call.operator()));
        return true;
    }

    private Optional<Call> record(CallRef ref, CallEventType type, OperatorId operator, Map<String, String> detail,
            String delivery) {
        return record(ref, type, operator, detail, delivery, null, call -> { });
    }

    /** {@code underLock} runs with the appended call inside the transaction, after the append, before the commit. */
    private Optional<Call> record(CallRef ref, CallEventType type, OperatorId operator, Map<String, String> detail,
            String delivery, Instant at, java.util.function.Consumer<Call> underLock) {
        // Most repeats are known here, without a transaction; the check under the lock catches the rest.
        if (calls.deliveredHere(ref, delivery)) {
            log.debug("dropped a repeated delivery of {} for {}", type, ref.provider());
            return Optional.empty();
        }
        Optional<Call> stored = tx.execute(status -> {
            Calls.Locked locked = calls.lock(ref).orElseThrow(() -> new UnknownCall(ref));
            Call call = locked.call();
            if (!call.accepts(type, operator)) {
                log.debug("dropped {} for call {} in state {}", type, call.id(), call.state());
                return dropped(status);
            }
            // Under the call's row lock, so a concurrent repeat waits and then sees this one.
            if (locked.delivered(delivery)) {
                log.debug("dropped a repeated delivery of {} for call {}", type, call.id());
                return dropped(status);
            }
            Call appended = calls.append(call, type, at != null ? at : clock.instant(), operator, detail, delivery);
            underLock.accept(appended);
            return Optional.of(appended);
        });
        stored.ifPresent(call -> remember(ref, delivery, call));
        return stored;
    }

    /**
     * A report that changes nothing (a repeat, or one the call's state refuses) ends its transaction in a rollback:
     * its only write was the row lock, and a commit would wait for PostgreSQL to flush that to disk. With two
     * nodes, restatements (the Dial's end restating the ringing and the answer, the caller's final status after
     * an end the other node stored) come here on every call. Only a transaction of its own: marking one it joined
     * would fail the caller's commit.
     */
    private static <T> Optional<T> dropped(org.springframework.transaction.TransactionStatus status) {
        if (status.isNewTransaction()) {
            status.setRollbackOnly();
        }
        return Optional.empty();
    }

    /** After the commit: the delivery, and whether the call is over, for the next reports on this node. */
    private void remember(CallRef ref, String delivery, Call call) {
        calls.rememberDelivery(ref, delivery);
        if (call.state() == CallState.ENDED) {
            calls.rememberDelivery(ref, ENDED_HERE);
        }
    }
}
