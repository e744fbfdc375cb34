package org.tiphotline.console.callbacks;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.callbacks.CallbackQueue;
import org.tiphotline.callbacks.CallbackTask;
import org.tiphotline.callbacks.CallbackWork;
import org.tiphotline.console.web.Actors;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.EscalationNotFound;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;

/**
 * The way back to a caller who raised an alert in the phone menu and then hung up (issue 18, item 7), for the
 * alerted agency's liaison. Under the escalation's disclosure rules such a caller's number may never leave: with
 * no answered call there is no report, so neither consent nor an override can hold. The route back is therefore
 * the hotline itself: the liaison sees that a callback exists and where it stands (waiting, being called, reached,
 * not reached, not to be called and why in words) and may ask the hotline to call back now, which puts the task
 * first in the queue, marked with the agency's request. The number, even masked, is not shown.
 */
@RestController
@RequestMapping("/api/liaison/escalations/{id}/callback")
class LiaisonCallbackApi {

    private final Escalations escalations;
    private final Operators operators;
    private final Actors actors;
    private final CallbackQueue queue;
    private final CallbackWork work;

    LiaisonCallbackApi(Escalations escalations, Operators operators, Actors actors, CallbackQueue queue,
            CallbackWork work) {
        this.escalations = escalations;
        this.operators = operators;
        this.actors = actors;
        this.queue = queue;
        this.work = work;
    }

    @GetMapping
    Map<String, Object> route(@PathVariable String id, Principal principal) {
        Escalation e = own(id, actors.of(principal));
        return view(e.call() == null ? Optional.empty() : queue.forCall(e.call()));
    }

    @PostMapping
    Map<String, Object> request(@PathVariable String id, Principal principal) {
        Escalation e = own(id, actors.of(principal));
        Optional<CallbackTask> task = e.call() == null ? Optional.empty() : queue.forCall(e.call());
        if (task.isEmpty() || task.get().closedAs() != null) {
            throw new IllegalStateException("there is no open callback for this alert's caller");
        }
        if (task.get().doNotCall() != null) {
            throw new IllegalStateException("the hotline may not call this caller back");
        }
        return view(work.requestedByAgency(e.call(), e.agency()));
    }

    private static Map<String, Object> view(Optional<CallbackTask> found) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("exists", found.isPresent());
        found.ifPresent(t -> {
            view.put("status", t.status());
            view.put("doNotCall", t.doNotCall());
            view.put("attempts", t.attempts());
            view.put("maxAttempts", t.maxAttempts());
            view.put("dueAt", t.dueAt());
            view.put("closedAs", t.closedAs());
            view.put("requested", t.requestedBy() != null);
            view.put("canRequest", t.closedAs() == null && t.doNotCall() == null && t.requestedBy() == null);
        });
        return view;
    }

    private Escalation own(String id, Actor actor) {
        String agency = operators.agencyOf(actor.id())
                .orElseThrow(() -> new SecurityException("only liaison users of an agency have this view"));
        Escalation e;
        try {
            e = escalations.find(new Escalation.Id(UUID.fromString(id))).orElseThrow(EscalationNotFound::new);
        } catch (IllegalArgumentException notAnId) {
            throw new EscalationNotFound();
        }
        if (!e.agency().equals(agency)) {
            // Another agency's escalation does not exist for this user.
            throw new EscalationNotFound();
        }
        return e;
    }
}
