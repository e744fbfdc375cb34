package org.tiphotline.console.callbacks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tiphotline.callbacks.CallbackTask;

/**
 * A callback task as operators and supervisors see it, over HTTP and on the live topic alike: the number masked,
 * never the recorded message's reference, codes the page puts into words.
 */
final class CallbackView {

    private CallbackView() {
    }

    static Map<String, Object> of(CallbackTask t) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", t.id().toString());
        view.put("status", t.status());
        view.put("reason", t.reason());
        view.put("callerMask", t.callerMask());
        view.put("calls", t.calls());
        view.put("firstCallAt", t.firstCallAt());
        view.put("lastCallAt", t.lastCallAt());
        view.put("urgent", t.urgent());
        view.put("doNotCall", t.doNotCall());
        view.put("attempts", t.attempts());
        view.put("maxAttempts", t.maxAttempts());
        view.put("dueAt", t.dueAt());
        view.put("takenBy", t.takenBy() == null ? null : t.takenBy().value());
        view.put("takenByName", t.takenByName());
        view.put("takenAt", t.takenAt());
        view.put("dialledCall", t.dialledCall());
        view.put("closedAs", t.closedAs());
        view.put("closedAt", t.closedAt());
        view.put("requestedBy", t.requestedBy());
        return view;
    }
}
