package org.tiphotline.calls;

import java.time.Clock;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.OperatorId;

/** The operator's switch of a call to the yes/no script, into the call's timeline. */
@Service
public class QuietMode {

    private final Calls calls;
    private final TransactionTemplate tx;
    private final Clock clock;

    public QuietMode(Calls calls, TransactionTemplate tx, Clock clock) {
        this.calls = calls;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * The operator on the call judged that the caller cannot speak freely (someone may be listening): the
     * {@code QUIET_MODE} event goes into the timeline, so the call log tells that the script was used. Only the
     * operator it rings at or who talks on it may switch; a call already in quiet mode (the caller pressed the
     * IVR's digit, or a second tab switched first) is left as it is and answered {@code false}.
     *
     * @throws UnknownCall no such call
     * @throws SecurityException the call is not ringing at or talking with {@code operator}
     * @throws IllegalStateException the call has ended
     */
    public boolean switchOn(CallId id, OperatorId operator) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            Call call = calls.lock(id).orElseThrow(() -> new UnknownCall(id));
            if (call.state() == CallState.ENDED) {
                throw new IllegalStateException("the call has ended; the yes/no script is for a call in progress");
            }
            if (!operator.equals(call.operator())
                    || (call.state() != CallState.RINGING && call.state() != CallState.TALKING)) {
                throw new SecurityException("only the operator the call rings at or talks with may switch it to the "
                        + "yes/no script");
            }
            if (!call.accepts(CallEventType.QUIET_MODE, operator)) {
                return false;
            }
            calls.append(call, CallEventType.QUIET_MODE, clock.instant(), operator, Map.of("by", "operator"));
            return true;
        }));
    }
}
