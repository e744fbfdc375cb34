package org.tiphotline.console.callbacks;

import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.callbacks.CallbackQueue;
import org.tiphotline.callbacks.CallbackTask;
import org.tiphotline.callbacks.CallbackTaskNotFound;
import org.tiphotline.callbacks.CallbackWork;
import org.tiphotline.console.web.Actors;

/**
 * The callback queue for operators and supervisors (the security rules say who): list it, take a task (which
 * dials), give it back, record what came of the call. The caller's number never appears here, only its mask.
 */
@RestController
@RequestMapping("/api/callbacks")
class CallbackApi {

    /** {@code outcome}: one of {@link CallbackTask.Outcome}. */
    record OutcomeBody(String outcome) {}

    private final CallbackQueue queue;
    private final CallbackWork work;
    private final Actors actors;

    CallbackApi(CallbackQueue queue, CallbackWork work, Actors actors) {
        this.queue = queue;
        this.work = work;
        this.actors = actors;
    }

    @GetMapping
    List<Map<String, Object>> open() {
        return queue.open().stream().map(CallbackView::of).toList();
    }

    @GetMapping("/{id}")
    Map<String, Object> one(@PathVariable String id) {
        UUID task = id(id);
        return CallbackView.of(queue.find(task).orElseThrow(() -> new CallbackTaskNotFound(task)));
    }

    @PostMapping("/{id}/take")
    Map<String, Object> take(@PathVariable String id, Principal principal) {
        return CallbackView.of(work.take(id(id), actors.of(principal)));
    }

    @PostMapping("/{id}/release")
    Map<String, Object> release(@PathVariable String id, Principal principal) {
        return CallbackView.of(work.release(id(id), actors.of(principal)));
    }

    @PostMapping("/{id}/outcome")
    Map<String, Object> outcome(@PathVariable String id, @RequestBody OutcomeBody body, Principal principal) {
        return CallbackView.of(work.record(id(id), outcome(body == null ? null : body.outcome()),
                actors.of(principal)));
    }

    /** A do-not-call task seen and set aside: it leaves the queue. */
    @PostMapping("/{id}/noted")
    Map<String, Object> noted(@PathVariable String id, Principal principal) {
        return CallbackView.of(work.noted(id(id), actors.of(principal)));
    }

    private static CallbackTask.Outcome outcome(String text) {
        try {
            return CallbackTask.Outcome.valueOf(text == null ? "" : text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outcome must be one of "
                    + java.util.Arrays.toString(CallbackTask.Outcome.values()));
        }
    }

    private static UUID id(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            // Never echo the input: it is whatever someone typed into a URL.
            throw new IllegalArgumentException("a callback task id is a UUID");
        }
    }
}
