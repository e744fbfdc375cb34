package org.tiphotline.console.supervision;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.Supervision;
import org.tiphotline.console.live.EveryTab;
import org.tiphotline.labels.Labels;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;

/**
 * Tells the operator's console that a supervisor came on their call or left it, in words ({@code
 * /user/queue/supervision}), unless {@code hotline.supervision.show-operator} is off. The message is sent by the
 * node that recorded the change; the relay carries it to the operator's tabs on either node.
 */
@Component
class SupervisionPush {

    private final SupervisionSettings settings;
    private final EveryTab tabs;
    private final Operators operators;

    SupervisionPush(SupervisionSettings settings, EveryTab tabs, Operators operators) {
        this.settings = settings;
        this.tabs = tabs;
        this.operators = operators;
    }

    @EventListener
    void on(Supervision.Changed changed) {
        if (!settings.showOperator() || changed.operator() == null) {
            return;
        }
        String username = operators.byId(changed.operator()).map(Operator::username).orElse(null);
        if (username == null) {
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("call", changed.call());
        message.put("mode", changed.mode());
        message.put("supervisor", operators.byId(changed.supervisor()).map(Operator::displayName).orElse(null));
        message.put("words", changed.mode() == null ? "Your supervisor has left the call"
                : Labels.of("supervision", changed.mode().name()));
        tabs.send(username, "/queue/supervision", message);
    }
}
