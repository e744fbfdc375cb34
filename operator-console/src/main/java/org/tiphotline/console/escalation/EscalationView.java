package org.tiphotline.console.escalation;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tiphotline.escalation.Escalation;

/**
 * An escalation as its readers see it, over HTTP and on the live feeds alike: no caller or victim details (those
 * travel only under the escalation's disclosure), not who raised or acknowledged it, and the outcome as a code
 * (its note is personal data, read one escalation at a time with an audit row).
 */
public final class EscalationView {

    private EscalationView() {
    }

    public static Map<String, Object> of(Escalation e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id().toString());
        view.put("call", e.call());
        view.put("agency", e.agency());
        view.put("level", e.level());
        view.put("source", e.source());
        view.put("danger", e.danger());
        // An operator's words may name people: read one escalation at a time, audited (reason stays null here).
        view.put("reason", e.reason());
        view.put("reference", org.tiphotline.escalation.AlertDispatcher.reference(e.id()));
        view.put("raisedAt", e.raisedAt());
        view.put("status", e.status());
        view.put("alertRound", e.alertRound());
        view.put("acknowledgedAt", e.acknowledgedAt());
        view.put("outcome", e.outcome());
        view.put("outcomeAt", e.outcomeAt());
        view.put("disclosure", e.disclosure());
        view.put("closedReason", e.closedReason());
        return view;
    }
}
