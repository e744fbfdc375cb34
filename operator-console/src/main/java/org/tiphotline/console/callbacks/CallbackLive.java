package org.tiphotline.console.callbacks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;
import org.tiphotline.callbacks.CallbackQueue;
import org.tiphotline.callbacks.CallbackTask;

/** Every change to a callback task goes to operators and supervisors at once, as the same masked view. */
@Component
class CallbackLive {

    /** Operators and supervisors subscribe here (LiveChannelSecurity). */
    static final String TOPIC = "/topic/callbacks";

    private static final Logger log = LoggerFactory.getLogger(CallbackLive.class);

    private final CallbackQueue queue;
    private final SimpMessagingTemplate messaging;

    CallbackLive(CallbackQueue queue, SimpMessagingTemplate messaging) {
        this.queue = queue;
        this.messaging = messaging;
    }

    @EventListener
    void on(CallbackTask.Changed changed) {
        try {
            queue.find(changed.task()).ifPresent(task -> {
                Map<String, Object> update = new LinkedHashMap<>(CallbackView.of(task));
                update.put("event", "Changed");
                messaging.convertAndSend(TOPIC, (Object) update);
            });
        } catch (RuntimeException e) {
            // The change is stored; a page that missed it reloads the list.
            log.warn("sending a callback task's change failed: {}", e.getClass().getSimpleName());
        }
    }
}
