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

    /**
     * Why this provider cannot call a caller back for the operator now (no phone configured for them, the link to
     * the provider down), in words; empty when it can. Asked before the dial is recorded or the number decrypted.
     */
    Optional<String> cannotCallBack(Operator operator);

    /**
     * Calls a caller back: the operator's phone rings first and, once they answer, {@code number}, which sees the
     * hotline's own number, never the operator's. {@code newCall} is the call the core has already recorded (its
     * provider call id chosen by the core); the provider reports it like any call: ringing at the operator, answered
     * when the person called answers, ended (without an answer: nobody was reached). {@code number} is personal data:
     * it goes to the provider's own dial action only, never into a log, a listing or a response.
     */
    void callBack(CallRef newCall, Operator operator, String number);

    /**
     * Why {@code supervisor} cannot listen in on calls of this provider now (no phone of theirs known to the
     * provider, the link down), in words; empty when they can. Asked before anything is recorded.
     */
    Optional<String> cannotSupervise(Operator supervisor);

    /**
     * The supervisor's phone rings and, once they answer, they are on the call {@code operator} talks on in
     * {@code mode}. Returns once the provider has the command; a provider that cannot do a mode refuses with an
     * {@link IllegalStateException} that says why, in words. A supervisor already on the call in another mode is
     * first taken off it by the caller of this method ({@link #endSupervision}).
     */
    void supervise(CallRef call, Operator operator, Operator supervisor, SupervisionMode mode);

    /** Takes the supervisor off the call (their leg hangs up); nothing happens when they are no longer on it. */
    void endSupervision(CallRef call, Operator supervisor, SupervisionMode mode);

    /**
     * Why {@code colleague}'s phone cannot be rung for a consult on calls of this provider now (no phone of theirs
     * known to the provider, the link down), in words; empty when it can. Asked before anything is recorded.
     */
    Optional<String> cannotConsult(Operator colleague);

    /**
     * A consult: the caller is held (hears the hotline's music, hears nobody) and {@code colleague}'s phone rings;
     * once they answer, {@code operator} and the colleague talk. Returns once the provider has the command; refuses
     * with an {@link IllegalStateException} that says why, in words.
     */
    void consult(CallRef call, Operator operator, Operator colleague);

    /**
     * The consult ends in a warm transfer: the caller is put through to {@code colleague} and {@code operator}'s
     * leg leaves the call. From now on the colleague's leg is the call's operator leg (their hang-up ends it).
     */
    void handOver(CallRef call, Operator operator, Operator colleague);

    /** The consult is called off: the colleague's leg hangs up and {@code operator} is back with the caller. */
    void endConsult(CallRef call, Operator operator, Operator colleague);

    /**
     * An interpreter line ({@code number}, from the agency directory) joins the call: caller, operator and
     * interpreter all hear each other. Refuses with an {@link IllegalStateException} in words when it cannot.
     */
    void addInterpreter(CallRef call, Operator operator, String number);
}
