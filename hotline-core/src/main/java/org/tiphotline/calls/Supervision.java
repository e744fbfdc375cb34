package org.tiphotline.calls;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.telephony.SupervisionMode;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.TelephonyPorts;

/**
 * A supervisor listening in on, coaching in or joining an operator's call, through the call's own provider. Each
 * start and stop is an event in the call's timeline (so every node, and the call log, knows who is on the call
 * from the database) and an audit row: hearing a caller is reading personal data.
 */
@Service
public class Supervision {

    /**
     * A supervisor's part in a call changed, published after the commit. {@code mode} null: they left it.
     * No personal data: ids and the mode.
     */
    public record Changed(CallId call, org.tiphotline.operators.OperatorId operator,
            org.tiphotline.operators.OperatorId supervisor, SupervisionMode mode) {}

    private final Calls calls;
    private final TelephonyPorts ports;
    private final Operators operators;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public Supervision(Calls calls, TelephonyPorts ports, Operators operators, AuditTrail audit,
            TransactionTemplate tx, Clock clock, ApplicationEventPublisher events) {
        this.calls = calls;
        this.ports = ports;
        this.operators = operators;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Puts {@code supervisor} on the call in {@code mode}; one already on it in another mode is switched (their
     * earlier leg ends first), in the same mode nothing changes. The provider is told under the call's row lock,
     * so a start and a stop of two tabs reach it in the order they are recorded; if it refuses, nothing is stored.
     *
     * @throws UnknownCall no such call
     * @throws IllegalStateException the call is not being talked on, or the supervisor has no phone the call's
     *     provider can ring (the message says which, in words)
     */
    public void start(CallId id, Operator supervisor, SupervisionMode mode) {
        Changed changed = tx.execute(status -> {
            Call call = calls.lock(id).orElseThrow(() -> new UnknownCall(id));
            if (call.state() != CallState.TALKING) {
                throw new IllegalStateException("the call is " + words(call.state()) + ": a supervisor can listen "
                        + "in only while an operator is talking with the caller");
            }
            if (supervisor.id().equals(call.operator())) {
                throw new IllegalStateException("this is your own call");
            }
            TelephonyPort port = ports.of(call.ref().provider());
            port.cannotSupervise(supervisor).ifPresent(why -> {
                throw new IllegalStateException("you cannot listen in: " + why);
            });
            String before = call.supervisors().get(supervisor.id());
            if (mode.name().equals(before)) {
                return null;
            }
            Operator operator = operators.byId(call.operator())
                    .orElseThrow(() -> new IllegalStateException("the operator on the call is unknown"));
            if (before != null) {
                port.endSupervision(call.ref(), supervisor, SupervisionMode.valueOf(before));
                call = calls.append(call, CallEventType.SUPERVISION_ENDED, clock.instant(), supervisor.id(),
                        Map.of("mode", before));
            }
            port.supervise(call.ref(), operator, supervisor, mode);
            calls.append(call, CallEventType.SUPERVISED, clock.instant(), supervisor.id(), Map.of("mode", mode.name()));
            audit.record(supervisor.username(), AuditTrail.Action.READ, "call", id, List.of("audio:" + mode.name()));
            return new Changed(id, operator.id(), supervisor.id(), mode);
        });
        if (changed != null) {
            events.publishEvent(changed);
        }
    }

    /**
     * Takes {@code supervisor} off the call; {@code false} when they were not on it (a second tab, a call that has
     * ended meanwhile).
     *
     * @throws UnknownCall no such call
     */
    public boolean stop(CallId id, Operator supervisor) {
        Changed changed = tx.execute(status -> {
            Call call = calls.lock(id).orElseThrow(() -> new UnknownCall(id));
            String before = call.supervisors().get(supervisor.id());
            if (before == null || !call.accepts(CallEventType.SUPERVISION_ENDED, supervisor.id())) {
                return null;
            }
            ports.of(call.ref().provider()).endSupervision(call.ref(), supervisor, SupervisionMode.valueOf(before));
            calls.append(call, CallEventType.SUPERVISION_ENDED, clock.instant(), supervisor.id(),
                    Map.of("mode", before));
            audit.record(supervisor.username(), AuditTrail.Action.READ, "call", id, List.of("audio:stopped"));
            return new Changed(id, call.operator(), supervisor.id(), null);
        });
        if (changed == null) {
            return false;
        }
        events.publishEvent(changed);
        return true;
    }

    private static String words(CallState state) {
        return switch (state) {
            case IVR -> "still in the menu";
            case QUEUED -> "waiting in the queue";
            case RINGING -> "ringing at an operator, not answered yet";
            case ENDED -> "over";
            case TALKING -> "being talked on";
        };
    }
}
