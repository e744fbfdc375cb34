package org.tiphotline.consults;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.escalation.Directory;
import org.tiphotline.intake.Intake;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.TelephonyPorts;

/**
 * An operator on a call asks a colleague (by name, or the longest idle available speaker of a language): the caller
 * is held and the two talk; then the operator hands the caller over (a warm transfer: the call is the colleague's,
 * the operator goes to after-call work) or calls the consult off (back to the caller). Routing reserves the colleague
 * first, so no call is offered to them meanwhile; then the provider is told under the call's row lock and the step is
 * recorded in the call's timeline with an audit row (the colleague comes to hear the caller). If the provider refuses,
 * nothing is recorded and the colleague is free again.
 */
@Service
public class Consults {

    /**
     * A step of a consult, published after its commit: {@code what} is {@code CONSULTED}, {@code HANDED_OVER} or
     * {@code CANCELLED}. No personal data: ids only.
     */
    public record Changed(CallId call, OperatorId operator, OperatorId colleague, String what) {}

    private final Calls calls;
    private final TelephonyPorts ports;
    private final Operators operators;
    private final Router router;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Directory directory;
    private final Intake intake;

    public Consults(Calls calls, TelephonyPorts ports, Operators operators, Router router, AuditTrail audit,
            TransactionTemplate tx, Clock clock, ApplicationEventPublisher events, Directory directory,
            Intake intake) {
        this.directory = directory;
        this.intake = intake;
        this.calls = calls;
        this.ports = ports;
        this.operators = operators;
        this.router = router;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /**
     * {@code operator} asks {@code colleague} (or, when null, whoever available speaks {@code language} and has
     * waited longest) about the call they talk on. Returns the colleague asked.
     *
     * @throws UnknownCall no such call
     * @throws IllegalStateException in words: not your call, not talking, a consult under way, the colleague not
     *     available, nobody available speaks the language, the colleague's phone cannot be rung
     * @throws IllegalArgumentException neither a colleague nor a language given, or an unknown colleague
     */
    public Operator ask(CallId id, Operator operator, OperatorId colleague, String language) {
        if (colleague == null && (language == null || language.isBlank())) {
            throw new IllegalArgumentException("colleague or language: say whom to ask");
        }
        Call call = yours(calls.load(id).orElseThrow(() -> new UnknownCall(id)), operator);
        if (call.consulting() != null) {
            throw new IllegalStateException("you are already asking a colleague about this call");
        }
        TelephonyPort port = ports.of(call.ref().provider());
        Operator named = colleague == null ? null : operators.byId(colleague)
                .orElseThrow(() -> new IllegalArgumentException("colleague: no such operator"));
        if (named != null) {
            port.cannotConsult(named).ifPresent(why -> {
                throw new IllegalStateException(named.displayName() + " cannot be asked: " + why);
            });
        }
        OperatorId reserved = router.consulting(id, operator.id(), colleague, language).orElseThrow(() ->
                new IllegalStateException(named != null ? named.displayName() + " is not available now"
                        : "nobody available now speaks that language"));
        Operator asked = operators.byId(reserved).orElseThrow();
        try {
            tx.executeWithoutResult(status -> {
                Call locked = calls.lock(id).orElseThrow(() -> new UnknownCall(id));
                if (!operator.id().equals(locked.operator()) || !locked.accepts(CallEventType.CONSULTED, asked.id())) {
                    throw new IllegalStateException("the call is over or no longer yours");
                }
                if (named == null) {
                    port.cannotConsult(asked).ifPresent(why -> {
                        throw new IllegalStateException(asked.displayName() + " cannot be asked: " + why);
                    });
                }
                port.consult(locked.ref(), operator, asked);
                calls.append(locked, CallEventType.CONSULTED, clock.instant(), asked.id(),
                        Map.of("askedBy", Long.toString(operator.id().value())));
                audit.record(operator.username(), AuditTrail.Action.CHANGE, "call", id,
                        List.of("consult:" + asked.username()));
            });
        } catch (RuntimeException refused) {
            router.consultEnded(id);
            throw refused;
        }
        events.publishEvent(new Changed(id, operator.id(), asked.id(), "CONSULTED"));
        return asked;
    }

    /**
     * A warm transfer: the caller is put through to the colleague being consulted, who owns the call from now on
     * (its record's operator, a {@code TRANSFERRED} event naming them, its unfinished report); {@code operator} goes
     * to after-call work.
     *
     * @throws IllegalStateException not your call, or no colleague is being asked about it
     */
    public Operator handOver(CallId id, Operator operator) {
        Operator to = tx.execute(status -> {
            Call call = yours(calls.lock(id).orElseThrow(() -> new UnknownCall(id)), operator);
            Operator colleague = consulted(call);
            ports.of(call.ref().provider()).handOver(call.ref(), operator, colleague);
            calls.append(call, CallEventType.TRANSFERRED, clock.instant(), colleague.id(),
                    Map.of("to", Long.toString(colleague.id().value()), "from",
                            Long.toString(operator.id().value())));
            audit.record(operator.username(), AuditTrail.Action.CHANGE, "call", id,
                    List.of("handed-over:" + colleague.username()));
            intake.handDraftOver(id, operator, colleague);
            return colleague;
        });
        router.handedOver(id, to.id());
        events.publishEvent(new Changed(id, operator.id(), to.id(), "HANDED_OVER"));
        return to;
    }

    /**
     * The consult is called off: the colleague's leg ends, the operator is back with the caller and the colleague
     * takes calls again. {@code false} when no consult was under way (a second tab, the call over meanwhile).
     */
    public boolean cancel(CallId id, Operator operator) {
        Optional<OperatorId> ended = tx.execute(status -> {
            Call call = calls.lock(id).orElseThrow(() -> new UnknownCall(id));
            if (call.consulting() == null || !operator.id().equals(call.operator())) {
                return Optional.<OperatorId>empty();
            }
            Operator colleague = consulted(call);
            ports.of(call.ref().provider()).endConsult(call.ref(), operator, colleague);
            calls.append(call, CallEventType.CONSULT_ENDED, clock.instant(), colleague.id(),
                    Map.of("how", "CANCELLED"));
            return Optional.of(colleague.id());
        });
        if (ended.isEmpty()) {
            return false;
        }
        router.consultEnded(id);
        events.publishEvent(new Changed(id, operator.id(), ended.get(), "CANCELLED"));
        return true;
    }

    /** The directory's interpreter lines: agencies with the role {@code INTERPRETING} and a phone, as configured. */
    public List<Directory.Agency> interpreterLines() {
        return directory.withRole(Directory.Role.INTERPRETING).stream()
                .filter(a -> a.phone() != null && !a.phone().isBlank()).toList();
    }

    /**
     * The interpreter line of the directory's agency {@code agencyId} joins the call {@code operator} talks on: all
     * three talk. Recorded as {@code INTERPRETER_ADDED} (detail {@code agency}) with an audit row: the interpreter
     * hears the caller.
     *
     * @throws IllegalArgumentException no interpreter line of that id in the directory
     * @throws IllegalStateException not your call, not talking, an interpreter already on it
     */
    public void addInterpreter(CallId id, Operator operator, String agencyId) {
        Directory.Agency line = interpreterLines().stream().filter(a -> a.id().equals(agencyId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("agency: no interpreter line of that name in the "
                        + "directory"));
        tx.executeWithoutResult(status -> {
            Call call = yours(calls.lock(id).orElseThrow(() -> new UnknownCall(id)), operator);
            if (!call.accepts(CallEventType.INTERPRETER_ADDED, operator.id())) {
                throw new IllegalStateException("an interpreter line is on this call already");
            }
            ports.of(call.ref().provider()).addInterpreter(call.ref(), operator, line.phone());
            calls.append(call, CallEventType.INTERPRETER_ADDED, clock.instant(), operator.id(),
                    Map.of("agency", line.id()));
            audit.record(operator.username(), AuditTrail.Action.CHANGE, "call", id, List.of("interpreter:"
                    + line.id()));
        });
        events.publishEvent(new Changed(id, operator.id(), null, "INTERPRETER"));
    }

    private Operator consulted(Call call) {
        if (call.consulting() == null) {
            throw new IllegalStateException("no colleague is being asked about this call");
        }
        return operators.byId(call.consulting())
                .orElseThrow(() -> new IllegalStateException("the colleague asked is unknown"));
    }

    private static Call yours(Call call, Operator operator) {
        if (call.state() != CallState.TALKING) {
            throw new IllegalStateException("the call is not being talked on: a colleague can be asked only during "
                    + "a call you are talking on");
        }
        if (!operator.id().equals(call.operator())) {
            throw new IllegalStateException("this is not your call");
        }
        return call;
    }
}
