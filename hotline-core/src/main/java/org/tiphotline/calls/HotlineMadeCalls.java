package org.tiphotline.calls;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.rotation.CallerHashRotation;

/**
 * Calls no provider reported arriving: those the hotline dials itself (a callback) and those an operator records by
 * hand (a contact that never came through the phone system). Apart from the {@link Switchboard}, which stores what
 * providers report about calls that came in; once created, a callback is reported through the Switchboard like any
 * call.
 */
@Service
public class HotlineMadeCalls {

    private final Calls calls;
    private final FieldCipher cipher;
    private final CallerNumbers numbers;
    private final CallerHashRotation hashRotation;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public HotlineMadeCalls(Calls calls, FieldCipher cipher, CallerNumbers numbers,
            CallerHashRotation hashRotation, AuditTrail audit,
            TransactionTemplate tx, ApplicationEventPublisher events, Clock clock) {
        this.calls = calls;
        this.cipher = cipher;
        this.numbers = numbers;
        this.hashRotation = hashRotation;
        this.audit = audit;
        this.tx = tx;
        this.events = events;
        this.clock = clock;
    }

    /** The provider name of contacts recorded by hand: no telephony adapter ever reports under it. */
    public static final String OFFLINE_PROVIDER = "offline";

    /**
     * A contact that never came through the phone system, recorded afterwards by {@code enteredBy}: a call of
     * direction OFFLINE whose ARRIVED is the real time of the contact (its {@code channel} in the detail), answered
     * by the operator who took it and ended at that same time, so nobody waited and no line of ours carried it.
     * Nothing is published: routing, presence and the callback queue have nothing to act on. Joins the caller's
     * transaction, so the contact, what is recorded about it and its draft commit together or not at all.
     */
    public Call offlineContact(Instant at, String channel, OperatorId takenBy, String callerNumber,
            String enteredBy) {
        String number = CallerNumbers.isUsable(callerNumber) ? CallerNumbers.normalise(callerNumber) : null;
        CallId id = CallId.random();
        CallRef ref = new CallRef(OFFLINE_PROVIDER, id.value().toString());
        return tx.execute(status -> {
            // During a rotation of the hash key: the caller's earlier rows first, so this call matches them.
            hashRotation.adopt(number);
            Call call = calls.insert(id, ref, cipher.encrypt(number, "call.caller_number:" + id),
                    numbers.hash(number), CallerNumbers.mask(number), OFFLINE_PROVIDER, at, CallDirection.OFFLINE,
                    Map.of("channel", channel));
            if (number != null) {
                audit.record(enteredBy, AuditTrail.Action.CREATE, "call", id, List.of("caller_number"));
            }
            Call answered = calls.append(call, CallEventType.ANSWERED, at, takenBy, Map.of());
            return calls.append(answered, CallEventType.ENDED, at, null, Map.of("by", OFFLINE_PROVIDER));
        });
    }

    /**
     * Records a call the hotline is about to dial for a callback task: a new call of direction {@code CALLBACK} on
     * the earlier call's provider, with the earlier call's keyed hash and mask (so the pop counts the earlier
     * contacts and shows the same masked number) but no copy of the number itself, and already offered to the
     * operator who took the task. From here it is reported like any call from its offer on (ringing at the operator,
     * answered when the person called answers, ended), so the screen pop, the draft and escalation work unchanged.
     * The task and the earlier call go into the ARRIVED event's detail (identifiers, never personal data).
     *
     * @param id the new call's id, chosen by the caller (routing reserves the operator for it first)
     */
    public CallId callbackDialled(CallId id, CallRef ref, java.util.UUID task, CallId earlier, OperatorId operator) {
        Call before = calls.load(earlier).orElseThrow(() -> new IllegalArgumentException("no call " + earlier));
        byte[] hash = calls.callerHash(earlier);
        Instant at = clock.instant();
        Map<String, String> detail = new java.util.LinkedHashMap<>();
        detail.put("task", task.toString());
        detail.put("earlierCall", earlier.toString());
        tx.executeWithoutResult(status -> {
            Call created = calls.insert(id, ref, null, hash, before.callerMask(), before.dialled(), at,
                    CallDirection.CALLBACK, detail);
            // Offered at once: nobody waits in a queue, the operator chose this call by taking the task.
            calls.append(created, CallEventType.OFFERED, at, operator, Map.of());
        });
        calls.remember(ref, id);
        events.publishEvent(new Call.Arrived(id));
        events.publishEvent(new Call.Offered(id, operator));
        return id;
    }
}
