package org.tiphotline.callbacks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.Calls;

/**
 * Turns calls' endings into the queue's work: a caller the hotline failed to answer becomes a task; a call back
 * nobody answered is one attempt of its task.
 */
@Component
class CallbackIntake {

    private static final Logger log = LoggerFactory.getLogger(CallbackIntake.class);

    private final Calls calls;
    private final CallbackTasks tasks;
    private final CallbackWork work;

    CallbackIntake(Calls calls, CallbackTasks tasks, CallbackWork work) {
        this.calls = calls;
        this.tasks = tasks;
        this.work = work;
    }

    @EventListener
    public void on(Call.Ended ended) {
        // The provider's report is already stored: a failure here must not fail it, and is logged without the call's
        // caller (ids only).
        try {
            if (ended.outcome() == CallOutcome.NOT_REACHED) {
                work.notReached(ended.call());
                return;
            }
            if (ended.operator() != null || ended.outcome() == CallOutcome.COMPLETED
                    || ended.outcome() == CallOutcome.TRANSFERRED) {
                return;
            }
            calls.load(ended.call()).filter(c -> c.direction() == CallDirection.INBOUND).ifPresent(call -> {
                CallbackTasks.Reason reason = CallbackTasks.reasonFor(call);
                if (reason != null) {
                    tasks.open(call.id(), reason, null, "system:callbacks");
                }
            });
        } catch (RuntimeException e) {
            log.error("call {} ended unanswered but its callback task could not be stored: {}", ended.call(),
                    e.getClass().getSimpleName(), e);
        }
    }
}
