package org.tiphotline.callbacks;

import static org.tiphotline.db.Tables.CALL;

import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.HotlineMadeCalls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.TelephonyPorts;

/**
 * Dials a caller back through the provider that carried their call. Everything that can refuse the dial is asked
 * first (the call, the provider, the operator's phone, whether they are free, whether there is a number at all), so
 * a refused dial stores nothing and decrypts nothing. Then the new call is recorded, the number is decrypted with its
 * audit row in the operator's name (one per dial, in the transaction of the read), and handed to the provider's dial
 * action and nowhere else.
 */
@Service
public class CallbackDials implements CallbackDialer {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CallbackDials.class);

    private final DSLContext db;
    private final Calls calls;
    private final Switchboard switchboard;
    private final HotlineMadeCalls made;
    private final Operators operators;
    private final TelephonyPorts ports;
    private final Router router;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final TransactionTemplate tx;

    public CallbackDials(DSLContext db, Calls calls, Switchboard switchboard, HotlineMadeCalls made, Operators operators,
            TelephonyPorts ports, Router router, FieldCipher cipher, AuditTrail audit, TransactionTemplate tx) {
        this.db = db;
        this.calls = calls;
        this.switchboard = switchboard;
        this.made = made;
        this.operators = operators;
        this.ports = ports;
        this.router = router;
        this.cipher = cipher;
        this.audit = audit;
        this.tx = tx;
    }

    @Override
    public CallId dial(UUID task, CallId earlierCall, OperatorId operatorId) {
        Call earlier = calls.load(earlierCall)
                .orElseThrow(() -> new IllegalStateException("there is no call " + earlierCall + " to call back"));
        TelephonyPort port = ports.of(earlier.ref().provider());
        Operator operator = operators.byId(operatorId)
                .orElseThrow(() -> new IllegalStateException("there is no user " + operatorId));
        if (!db.fetchExists(CALL, CALL.ID.eq(earlierCall.value()).and(CALL.CALLER_NUMBER_ENC.isNotNull()))) {
            throw new IllegalStateException("the caller's number was withheld: there is no number to call back");
        }
        port.cannotCallBack(operator).ifPresent(why -> {
            throw new IllegalStateException("cannot call back now: " + why);
        });
        CallId id = CallId.random();
        router.dialling(operatorId, id);
        CallRef ref = new CallRef(port.provider(), "cb-" + id.value());
        try {
            made.callbackDialled(id, ref, task, earlierCall, operatorId);
        } catch (RuntimeException e) {
            router.notDialled(id);
            throw e;
        }
        String number = tx.execute(status -> {
            // The one read of the number in clear this dial makes, audited with it.
            audit.record(operator.username(), AuditTrail.Action.READ, "call", earlierCall, List.of("caller_number"));
            return cipher.decrypt(db.select(CALL.CALLER_NUMBER_ENC).from(CALL).where(CALL.ID.eq(earlierCall.value()))
                    .fetchOne(CALL.CALLER_NUMBER_ENC), "call.caller_number:" + earlierCall);
        });
        try {
            port.callBack(ref, operator, number);
        } catch (RuntimeException e) {
            // Never the exception's message in the log: a provider's error may quote what it was asked to dial.
            log.warn("the {} dial of callback call {} failed: {}", port.provider(), id, e.getClass().getSimpleName());
            switchboard.ended(ref, "dial failed");
            throw new IllegalStateException("the phone system could not place the call", e);
        }
        return id;
    }
}
