package org.tiphotline.telephony.simulated;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.telephony.SupervisionMode;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * The simulated line: holds its calls in memory as a PBX would, and reports to the Switchboard asynchronously
 * as a PBX would (ringing comes back after the connect command returns). Its calls do not survive a restart,
 * like calls on a PBX that lost power; after a restart the core reconciles their records.
 */
@Component
// Off unless switched on (the demo profile does): a deployment that forgets the setting has no fake line
// through which anyone could put calls into the live queue.
@ConditionalOnProperty(prefix = "hotline.telephony.simulated", name = "enabled", havingValue = "true")
public class SimulatedLine implements TelephonyPort, DisposableBean {

    public static final String PROVIDER = "sim";

    /**
     * What the simulated PBX knows about one of its calls, as a PBX's channel list would show it: who rings or talks,
     * the supervisors bridged in, and during a consult the colleague asked ({@code consulting}) with the caller held
     * ({@code callerHeld}: hearing music, heard by nobody); {@code interpreter}: an interpreter line is bridged in.
     */
    public record SimCall(String providerCallId, CallId call, Status status, OperatorId ringingAt,
            OperatorId talkingTo, List<Supervisor> supervisors, OperatorId consulting, boolean callerHeld,
            boolean interpreter) {

        /** {@code DIALLING}: a callback whose operator picked up, while the person called is being rung. */
        public enum Status { IVR, WAITING, RINGING, TALKING, DIALLING }

        public SimCall {
            supervisors = List.copyOf(supervisors);
        }

        SimCall(String providerCallId, CallId call, Status status, OperatorId ringingAt, OperatorId talkingTo,
                List<Supervisor> supervisors) {
            this(providerCallId, call, status, ringingAt, talkingTo, supervisors, null, false, false);
        }

        SimCall(String providerCallId, CallId call, Status status, OperatorId ringingAt, OperatorId talkingTo) {
            this(providerCallId, call, status, ringingAt, talkingTo, List.of());
        }

        SimCall withConsult(OperatorId colleague, boolean held) {
            return new SimCall(providerCallId, call, status, ringingAt, talkingTo, supervisors, colleague, held,
                    interpreter);
        }

        SimCall talkingTo(OperatorId operator) {
            return new SimCall(providerCallId, call, status, ringingAt, operator, supervisors, null, false,
                    interpreter);
        }

        SimCall withInterpreter() {
            return new SimCall(providerCallId, call, status, ringingAt, talkingTo, supervisors, consulting,
                    callerHeld, true);
        }
    }

    /** A supervisor on a simulated call, as the simulated PBX has them bridged in. */
    public record Supervisor(OperatorId supervisor, SupervisionMode mode) {}

    private final Switchboard switchboard;
    private final Calls records;
    private final IvrScript script;
    private final Map<String, SimCall> calls = new ConcurrentHashMap<>();
    /** The calls this line dials out (callbacks); their numbers are never kept here. */
    private final Set<String> callbacks = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());
    private final ExecutorService pbx = Executors.newVirtualThreadPerTaskExecutor();

    public SimulatedLine(Switchboard switchboard, Calls records, IvrScript script) {
        this.switchboard = switchboard;
        this.records = records;
        this.script = script;
    }

    /**
     * A caller dials in and answers the IVR; unless told to stay in the IVR, the call then waits in the queue.
     * The answers are reported in the order the IVR asks ({@link IvrScript}), a "cannot speak freely" press at the
     * question after the language; a callback answer for a withheld number is refused, as the IVR never asks it.
     */
    public SimCall place(String callerNumber, String dialled, Map<IvrQuestion, String> answers, boolean stayInIvr) {
        answers.forEach(switchboard::checkIvrAnswer);
        List<IvrQuestion> asked = new ArrayList<>();
        script.menusFor(callerNumber).forEach(menu -> asked.add(menu.question()));
        if (answers.containsKey(IvrQuestion.SAFE_TO_CALL_BACK) && !asked.contains(IvrQuestion.SAFE_TO_CALL_BACK)) {
            throw new IllegalArgumentException("safeToCallBack: the IVR does not ask it when the caller's number is "
                    + "withheld; leave it out");
        }
        if (answers.containsKey(IvrQuestion.CANNOT_SPEAK_FREELY)) {
            if (script.quietDigit() == null) {
                throw new IllegalArgumentException("cannotSpeakFreely: this IVR does not offer that choice");
            }
            asked.add(1, IvrQuestion.CANNOT_SPEAK_FREELY);
        }
        String id = "SIM-" + Long.toString(sequence.incrementAndGet(), 36).toUpperCase(java.util.Locale.ROOT);
        CallRef ref = ref(id);
        CallId call = switchboard.arrived(ref, callerNumber, dialled);
        calls.put(id, new SimCall(id, call, SimCall.Status.IVR, null, null));
        for (IvrQuestion question : asked) {
            String answer = answers.get(question);
            if (answer != null) {
                switchboard.ivrAnswered(ref, question, answer);
            }
        }
        if (!stayInIvr) {
            update(id, SimCall.Status.WAITING, null, null);
            switchboard.ivrCompleted(ref);
        }
        return calls.get(id);
    }

    public void callerHangsUp(String providerCallId) {
        SimCall hanging = require(providerCallId);
        if (callbacks.contains(providerCallId) && hanging.status() != SimCall.Status.TALKING) {
            throw new IllegalStateException("the person called back has not answered yet");
        }
        forget(providerCallId);
        switchboard.callerHungUp(ref(providerCallId));
    }

    /** The operator picks up the simulated phone that is ringing at them. */
    public void operatorAnswers(String providerCallId, OperatorId operator) {
        SimCall call = require(providerCallId);
        if (call.status() != SimCall.Status.RINGING || !operator.equals(call.ringingAt())) {
            throw new IllegalStateException("this call is not ringing at you");
        }
        if (callbacks.contains(providerCallId)) {
            // The operator's own phone is answered: now the person called is rung.
            update(providerCallId, SimCall.Status.DIALLING, null, operator);
            return;
        }
        update(providerCallId, SimCall.Status.TALKING, null, operator);
        switchboard.answered(ref(providerCallId), operator);
    }

    public void operatorHangsUp(String providerCallId, OperatorId operator) {
        SimCall call = require(providerCallId);
        boolean cancelsCallback = callbacks.contains(providerCallId) && call.status() == SimCall.Status.DIALLING;
        if (call.status() != SimCall.Status.TALKING && !cancelsCallback || !operator.equals(call.talkingTo())) {
            throw new IllegalStateException("you are not talking on this call");
        }
        forget(providerCallId);
        switchboard.ended(ref(providerCallId), "operator");
    }

    public Collection<SimCall> calls() {
        return calls.values();
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void connect(CallRef call, Operator operator) {
        if (calls.computeIfPresent(call.providerCallId(), (id, c) -> new SimCall(id, c.call(), SimCall.Status.RINGING,
                operator.id(), null)) != null) {
            pbx.execute(() -> switchboard.ringing(call, operator.id()));
        }
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {
        calls.computeIfPresent(call.providerCallId(), (id, c) -> operator.id().equals(c.ringingAt())
                ? new SimCall(id, c.call(), SimCall.Status.WAITING, null, null) : c);
    }

    @Override
    public void conference(CallRef call, String number) {
        require(call.providerCallId());
        // The simulated escalation line answers at once, as a real one reports through its adapter.
        pbx.execute(() -> switchboard.escalated(call, "conference", true, null));
    }

    @Override
    public void transfer(CallRef call, String number) {
        require(call.providerCallId());
        forget(call.providerCallId());
        pbx.execute(() -> {
            switchboard.escalated(call, "transfer", true, null);
            switchboard.transferred(call, "external number");
            switchboard.ended(call, "transfer");
        });
    }

    @Override
    public void hangUp(CallRef call) {
        callbacks.remove(call.providerCallId());
        if (calls.remove(call.providerCallId()) != null) {
            pbx.execute(() -> switchboard.ended(call, "system"));
        }
    }

    @Override
    public Optional<Set<String>> liveCalls() {
        return Optional.of(Set.copyOf(calls.keySet()));
    }

    /** The simulated line can ring any operator: their simulated phone is the console. */
    @Override
    public Optional<String> cannotCallBack(Operator operator) {
        return Optional.empty();
    }

    /** Every user's simulated phone is their console: a supervisor can always be put on a call. */
    @Override
    public Optional<String> cannotSupervise(Operator supervisor) {
        return Optional.empty();
    }

    /**
     * The simulated PBX bridges the supervisor in at once (their simulated phone answers itself): the call's
     * listing ({@code GET /api/sim/calls}) then shows them with their mode, as a PBX's channel list would.
     */
    @Override
    public void supervise(CallRef call, Operator operator, Operator supervisor, SupervisionMode mode) {
        SimCall on = require(call.providerCallId());
        if (on.status() != SimCall.Status.TALKING || !operator.id().equals(on.talkingTo())) {
            throw new IllegalStateException("the operator is not talking on this call");
        }
        calls.computeIfPresent(call.providerCallId(), (id, c) -> {
            List<Supervisor> next = new ArrayList<>(c.supervisors());
            next.removeIf(s -> s.supervisor().equals(supervisor.id()));
            next.add(new Supervisor(supervisor.id(), mode));
            return new SimCall(id, c.call(), c.status(), c.ringingAt(), c.talkingTo(), next, c.consulting(),
                    c.callerHeld(), c.interpreter());
        });
    }

    @Override
    public void endSupervision(CallRef call, Operator supervisor, SupervisionMode mode) {
        calls.computeIfPresent(call.providerCallId(), (id, c) -> new SimCall(id, c.call(), c.status(), c.ringingAt(),
                c.talkingTo(), c.supervisors().stream().filter(s -> !s.supervisor().equals(supervisor.id())).toList(),
                c.consulting(), c.callerHeld(), c.interpreter()));
    }

    /** Every operator's simulated phone is their console: a colleague can always be rung. */
    @Override
    public Optional<String> cannotConsult(Operator colleague) {
        return Optional.empty();
    }

    /**
     * The caller is held and the colleague's simulated phone answers itself: the call's listing shows the caller
     * held, the operator and the colleague, as a PBX's channel list would show the three legs.
     */
    @Override
    public void consult(CallRef call, Operator operator, Operator colleague) {
        requireTalking(call, operator);
        calls.computeIfPresent(call.providerCallId(), (id, c) -> c.withConsult(colleague.id(), true));
    }

    /** The caller is bridged to the colleague and the operator's leg leaves: the colleague is now the one talking. */
    @Override
    public void handOver(CallRef call, Operator operator, Operator colleague) {
        SimCall on = requireTalking(call, operator);
        if (!colleague.id().equals(on.consulting())) {
            throw new IllegalStateException("that colleague is not on the line");
        }
        calls.computeIfPresent(call.providerCallId(), (id, c) -> c.talkingTo(colleague.id()));
    }

    @Override
    public void endConsult(CallRef call, Operator operator, Operator colleague) {
        calls.computeIfPresent(call.providerCallId(), (id, c) -> c.withConsult(null, false));
    }

    /** The simulated interpreter line answers at once; the number is checked and not kept (it is the directory's). */
    @Override
    public void addInterpreter(CallRef call, Operator operator, String number) {
        requireTalking(call, operator);
        if (number == null || !number.matches("\\+?[0-9]{2,20}")) {
            throw new IllegalArgumentException("an interpreter line is 2-20 digits, optionally after +");
        }
        calls.computeIfPresent(call.providerCallId(), (id, c) -> c.withInterpreter());
    }

    private SimCall requireTalking(CallRef call, Operator operator) {
        SimCall on = require(call.providerCallId());
        if (on.status() != SimCall.Status.TALKING || !operator.id().equals(on.talkingTo())) {
            throw new IllegalStateException("the operator is not talking on this call");
        }
        return on;
    }

    /**
     * Rings the operator's simulated phone for a callback; once they answer, the person called is "rung" until a
     * test or the demo says they answered ({@link #calleeAnswers}) or nobody did ({@link #nobodyAnswers}). The
     * number is checked and dropped: a simulated phone has nobody to dial, and the listing must never show it.
     */
    @Override
    public void callBack(CallRef newCall, Operator operator, String number) {
        org.tiphotline.protection.CallerNumbers.requireDiallable(number);
        String id = newCall.providerCallId();
        CallId call = records.idOf(newCall).orElseThrow(() -> new org.tiphotline.calls.UnknownCall(newCall));
        callbacks.add(id);
        calls.put(id, new SimCall(id, call, SimCall.Status.RINGING, operator.id(), null));
        pbx.execute(() -> switchboard.ringing(newCall, operator.id()));
    }

    /** The person called back picks up: from now on it is a call like any answered one. */
    public void calleeAnswers(String providerCallId) {
        SimCall call = requireCallback(providerCallId);
        if (call.status() != SimCall.Status.DIALLING) {
            throw new IllegalStateException("the person is rung only once the operator has answered");
        }
        update(providerCallId, SimCall.Status.TALKING, null, call.talkingTo());
        switchboard.answered(ref(providerCallId), call.talkingTo());
    }

    /** Nobody answers the callback (the operator's phone or the person called): the call ends, nobody reached. */
    public void nobodyAnswers(String providerCallId) {
        SimCall call = requireCallback(providerCallId);
        if (call.status() == SimCall.Status.TALKING) {
            throw new IllegalStateException("the person called back has answered already");
        }
        forget(providerCallId);
        switchboard.ended(ref(providerCallId), call.status() == SimCall.Status.RINGING
                ? "operator's phone not answered" : "no answer");
    }

    private SimCall requireCallback(String providerCallId) {
        SimCall call = require(providerCallId);
        if (!callbacks.contains(providerCallId)) {
            throw new IllegalStateException("this is not a call the hotline dialled");
        }
        return call;
    }

    private void forget(String providerCallId) {
        calls.remove(providerCallId);
        callbacks.remove(providerCallId);
    }

    @Override
    public void destroy() {
        pbx.close();
    }

    private SimCall require(String providerCallId) {
        SimCall call = calls.get(providerCallId);
        if (call == null) {
            throw new org.tiphotline.calls.UnknownCall(providerCallId);
        }
        return call;
    }

    private void update(String id, SimCall.Status status, OperatorId ringing, OperatorId talking) {
        // Supervisors stay only while the call is talked on, as their legs end with the operator's on a PBX.
        calls.computeIfPresent(id, (key, c) -> new SimCall(key, c.call(), status, ringing, talking,
                status == SimCall.Status.TALKING ? c.supervisors() : List.of()));
    }

    private static CallRef ref(String providerCallId) {
        return new CallRef(PROVIDER, providerCallId);
    }
}
