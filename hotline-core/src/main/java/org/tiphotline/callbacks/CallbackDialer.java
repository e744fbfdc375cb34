package org.tiphotline.callbacks;

import java.util.UUID;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * Calls a caller back for a task an operator has taken: the operator's phone rings first, then the person called,
 * who sees the hotline's number, never the operator's. The caller's number is decrypted here only, once per dial,
 * and that read is audited in the operator's name. What happens next (ringing, answered, not reached) comes back as
 * the events of a new call of direction {@code CALLBACK}, like any call's.
 */
public interface CallbackDialer {

    /**
     * @param task the callback task being worked (recorded in the new call's first event)
     * @param earlierCall the caller's call whose stored number is dialled, and whose provider carries the dial
     * @param operator who took the task; their phone rings first
     * @return the new call
     * @throws IllegalStateException when the call cannot be dialled back (withheld number, operator has no phone,
     *         provider not running): nothing is dialled and nothing is decrypted
     */
    CallId dial(UUID task, CallId earlierCall, OperatorId operator);
}
