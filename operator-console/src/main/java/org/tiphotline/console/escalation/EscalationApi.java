package org.tiphotline.console.escalation;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.console.web.Actors;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.EscalationNotFound;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.telephony.TelephonyPorts;

/**
 * Escalations over HTTP. An operator raises one on the call they handle, optionally bringing the agency's line
 * into the call; a liaison user sees only their agency's escalations and acknowledges them and records what was
 * done; a supervisor sees every escalation not yet closed and closes them with a reason. Everything is checked
 * before anything is stored: a refused request leaves no record and dials nobody.
 */
@RestController
@RequestMapping("/api")
class EscalationApi {

    /** {@code mode}: ALERT (alerts only), CONFERENCE (the agency's line joins the call) or TRANSFER. */
    record Raise(String agency, String level, String reason, String mode) {}

    record Outcome(String outcome) {}

    record Close(String reason) {}

    private enum Mode { ALERT, CONFERENCE, TRANSFER }

    private final Escalations escalations;
    private final Directory directory;
    private final Calls calls;
    private final TelephonyPorts ports;
    private final Operators operators;
    private final Actors actors;

    EscalationApi(Escalations escalations, Directory directory, Calls calls, TelephonyPorts ports,
            Operators operators, Actors actors) {
        this.escalations = escalations;
        this.directory = directory;
        this.calls = calls;
        this.ports = ports;
        this.operators = operators;
        this.actors = actors;
    }

    /** The agencies an operator can escalate to: names, roles, whether they have a line. No alert targets. */
    @GetMapping("/directory")
    List<Map<String, Object>> agencies() {
        return directory.agencies().stream().map(a -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", a.id());
            view.put("name", a.name());
            view.put("roles", a.roles());
            view.put("hasLine", a.phone() != null && !a.phone().isBlank());
            return view;
        }).toList();
    }

    @PostMapping("/calls/{callId}/escalations")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> raise(@PathVariable String callId, @RequestBody Raise body, Principal principal) {
        Actor actor = actors.of(principal);
        CallId requested = CallId.parse(callId);
        Call call = calls.load(requested).orElseThrow(() -> new UnknownCall(requested));
        boolean handles = actor.id().equals(call.operator()) || actor.id().equals(call.lastOffered());
        if (!handles && !actor.is(Role.SUPERVISOR)) {
            throw new SecurityException("only the operator on this call or a supervisor can escalate it");
        }
        Directory.Agency agency = directory.agency(body.agency() == null ? "" : body.agency())
                .orElseThrow(() -> new IllegalArgumentException("agency must be one of "
                        + directory.agencies().stream().map(Directory.Agency::id).toList()));
        Escalation.Level level = parse(Escalation.Level.class, body.level(), "level");
        Mode mode = body.mode() == null ? Mode.ALERT : parse(Mode.class, body.mode(), "mode");
        if (mode != Mode.ALERT) {
            if (agency.phone() == null || agency.phone().isBlank()) {
                throw new IllegalStateException(agency.name() + " has no line to bring into a call");
            }
            if (call.state() != CallState.TALKING) {
                throw new IllegalStateException("the agency's line can join only a call that is being talked on");
            }
        }
        Escalation.Id id = escalations.raise(call.id(), null, agency.id(), level, Escalation.Source.OPERATOR,
                body.reason(), actor.id());
        // The record and its alerts exist first; the line joins next and the adapter reports how that went.
        switch (mode) {
            case CONFERENCE -> ports.of(call.ref().provider()).conference(call.ref(), agency.phone());
            case TRANSFER -> ports.of(call.ref().provider()).transfer(call.ref(), agency.phone());
            case ALERT -> { }
        }
        return EscalationView.of(escalations.find(id).orElseThrow());
    }

    @GetMapping("/liaison/escalations")
    List<Map<String, Object>> mine(Principal principal) {
        String agency = agencyOf(actors.of(principal));
        return escalations.forAgency(agency, 200).stream().map(EscalationView::of).toList();
    }

    @PostMapping("/liaison/escalations/{id}/acknowledge")
    Map<String, Object> acknowledge(@PathVariable String id, Principal principal) {
        Actor actor = actors.of(principal);
        Escalation.Id escalation = id(id);
        escalations.acknowledge(escalation, agencyOf(actor), actor.id());
        return EscalationView.of(escalations.find(escalation).orElseThrow());
    }

    @PostMapping("/liaison/escalations/{id}/outcome")
    Map<String, Object> outcome(@PathVariable String id, @RequestBody Outcome body, Principal principal) {
        Actor actor = actors.of(principal);
        Escalation.Id escalation = id(id);
        escalations.recordOutcome(escalation, agencyOf(actor), actor.id(), body.outcome());
        return EscalationView.of(escalations.find(escalation).orElseThrow());
    }

    @GetMapping("/escalations")
    List<Map<String, Object>> unclosed() {
        return escalations.unclosed().stream().map(EscalationView::of).toList();
    }

    @PostMapping("/escalations/{id}/close")
    Map<String, Object> close(@PathVariable String id, @RequestBody Close body, Principal principal) {
        Escalation.Id escalation = id(id);
        escalations.close(escalation, actors.of(principal).id(), body.reason());
        return EscalationView.of(escalations.find(escalation).orElseThrow());
    }

    private String agencyOf(Actor actor) {
        return operators.agencyOf(actor.id())
                .orElseThrow(() -> new SecurityException("only liaison users of an agency have this view"));
    }

    private static Escalation.Id id(String text) {
        try {
            return new Escalation.Id(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new EscalationNotFound();
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String name) {
        try {
            return Enum.valueOf(type, value == null ? "" : value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be one of " + java.util.Arrays.toString(
                    type.getEnumConstants()));
        }
    }

}
