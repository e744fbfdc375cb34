package org.tiphotline.telephony;

import java.util.Optional;
import java.util.Set;
import org.tiphotline.calls.CallRef;
import org.tiphotline.operators.Operator;

/**
 * What the core asks of a telephony provider. Commands return quickly: the outcome comes back as reports to
 * the {@link org.tiphotline.calls.Switchboard} (ringing, answered, no answer, ended), exactly as it would
 * from a real PBX, so the core never blocks a routing decision on the network.
 */
public interface TelephonyPort {

    /** The provider name used in {@link CallRef#provider()}. */
    String provider();

    /** Ring the operator's endpoint and bridge the caller to it when answered. */
    void connect(CallRef call, Operator operator);

    /** Stop ringing an operator who did not answer in time; the caller keeps waiting. */
    void withdraw(CallRef call, Operator operator);

    /** Bring a third party (the police line) into the conversation. */
    void conference(CallRef call, String number);

    /** Hand the caller over to another number; the operator leaves the call. */
    void transfer(CallRef call, String number);

    void hangUp(CallRef call);

    /**
     * The provider call ids the provider is carrying now, or empty when it cannot tell (for example while
     * disconnected). Used to close records of calls that ended while the system was not listening.
     */
    Optional<Set<String>> liveCalls();
}
