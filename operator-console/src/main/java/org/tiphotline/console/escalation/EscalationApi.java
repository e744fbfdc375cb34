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
import org.tiphotline.escalation.Disclosures;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.EscalationNotFound;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.intake.Intake;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
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
    record Raise(String agency, String level, String danger, String reason, String mode) {}

    /** {@code outcome}: one of {@link Escalation.Outcome}; {@code note}: free text, stored encrypted. */
    record Outcome(String outcome, String note) {}

    /** {@code basis}: one of {@link Escalation.Disclosure}; a justification is required for an override. */
    record Disclose(String basis, String justification) {}

    record Close(String reason) {}

    private enum Mode { ALERT, CONFERENCE, TRANSFER }

    private final Escalations escalations;
    private final Directory directory;
    private final Calls calls;
    private final TelephonyPorts ports;
    private final Operators operators;
    private final Actors actors;
    private final Disclosures disclosures;
    private final Intake intake;

    EscalationApi(Escalations escalations, Directory directory, Calls calls, TelephonyPorts ports,
            Operators operators, Actors actors, Disclosures disclosures, Intake intake) {
        this.disclosures = disclosures;
        this.intake = intake;
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
        Call call = onCall(requested, actor);
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
        Escalation.Id id = escalations.raise(call.id(), intake.reportOf(call.id()).orElse(null), agency.id(), level,
                parse(Escalation.Danger.class, body.danger(), "danger"), body.reason(), actor.id());
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
        escalations.recordOutcome(escalation, agencyOf(actor), actor,
                parse(Escalation.Outcome.class, body.outcome(), "outcome"), body.note());
        return EscalationView.of(escalations.find(escalation).orElseThrow());
    }

    /**
     * One escalation for its agency's liaison: what the report says without naming anyone, the identifying
     * details only when the escalation's disclosure holds now, and the outcome's note. Each personal read is
     * audited under the liaison's name.
     */
    @GetMapping("/liaison/escalations/{id}")
    Map<String, Object> forLiaison(@PathVariable String id, Principal principal) {
        Actor actor = actors.of(principal);
        Escalation e = escalations.find(id(id)).orElseThrow(EscalationNotFound::new);
        if (!e.agency().equals(agencyOf(actor))) {
            // Not "forbidden": another agency's escalation does not exist for this user.
            throw new EscalationNotFound();
        }
        Map<String, Object> view = detail(e, actor);
        Map<String, String> details = disclosures.details(e, actor.username(), AuditTrail.Action.READ);
        view.put("identifying", details.isEmpty() ? null : details);
        return view;
    }

    /** The escalations of a call, for the operator on it (those the IVR or a rule raised too) or a supervisor. */
    @GetMapping("/calls/{callId}/escalations")
    List<Map<String, Object>> ofCall(@PathVariable String callId, Principal principal) {
        Call call = onCall(CallId.parse(callId), actors.of(principal));
        return escalations.about(call.id(), intake.reportOf(call.id()).orElse(null)).stream()
                .map(EscalationView::of).toList();
    }

    /**
     * Lets the escalation's alerts carry identifying details, on the caller's recorded consent or an override
     * (a minor victim, an imminent danger) with a justification. The operator on the call or a supervisor.
     */
    @PostMapping("/escalations/{id}/disclosure")
    Map<String, Object> disclose(@PathVariable String id, @RequestBody Disclose body, Principal principal) {
        Actor actor = actors.of(principal);
        Escalation e = escalations.find(id(id)).orElseThrow(EscalationNotFound::new);
        mayActOn(e, actor);
        disclosures.authorise(e.id(), parse(Escalation.Disclosure.class, body.basis(), "basis"),
                body.justification(), actor);
        return EscalationView.of(escalations.find(e.id()).orElseThrow());
    }

    /** One escalation with its outcome's note (audited), for the operator of its call or a supervisor. */
    @GetMapping("/escalations/{id}")
    Map<String, Object> one(@PathVariable String id, Principal principal) {
        Actor actor = actors.of(principal);
        Escalation e = escalations.find(id(id)).orElseThrow(EscalationNotFound::new);
        mayActOn(e, actor);
        Map<String, Object> view = detail(e, actor);
        escalations.operatorReason(e.id(), actor.username(), AuditTrail.Action.READ)
                .ifPresent(r -> view.put("reason", r));
        return view;
    }

    @GetMapping("/escalations")
    List<Map<String, Object>> unclosed() {
        return escalations.unclosed().stream().map(EscalationView::of).toList();
    }

    /** Every override of the consent rule, newest first: supervisors review each one. */
    @GetMapping("/escalations/overrides")
    List<Disclosures.Override> overrides() {
        return disclosures.overrides(100);
    }

    @PostMapping("/escalations/{id}/close")
    Map<String, Object> close(@PathVariable String id, @RequestBody Close body, Principal principal) {
        Escalation.Id escalation = id(id);
        escalations.close(escalation, actors.of(principal).id(), body.reason());
        return EscalationView.of(escalations.find(escalation).orElseThrow());
    }

    private Map<String, Object> detail(Escalation e, Actor reader) {
        Map<String, Object> view = new LinkedHashMap<>(EscalationView.of(e));
        view.put("situation", disclosures.situationOf(e).map(s -> {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("place", s.place());
            facts.put("exploitation", s.traffickingTypes());
            facts.put("minorsInvolved", s.minorInvolved());
            facts.put("peopleInvolved", s.peopleInvolved());
            facts.put("victimSex", s.victimSex());
            return facts;
        }).orElse(null));
        view.put("outcomeNote", e.outcome() == null ? null : escalations.outcomeNote(e.id(), reader).orElse(null));
        return view;
    }

    /** The operator the call rang at or who talked on it, or a supervisor. */
    private Call onCall(CallId id, Actor actor) {
        Call call = calls.load(id).orElseThrow(() -> new UnknownCall(id));
        boolean handles = actor.id().equals(call.operator()) || actor.id().equals(call.lastOffered());
        if (!handles && !actor.is(Role.SUPERVISOR)) {
            throw new SecurityException("only the operator on this call or a supervisor can act on its escalations");
        }
        return call;
    }

    private void mayActOn(Escalation e, Actor actor) {
        if (actor.is(Role.SUPERVISOR)) {
            return;
        }
        if (e.call() == null) {
            throw new SecurityException("only a supervisor can act on this escalation");
        }
        onCall(e.call(), actor);
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
