package org.tiphotline.console.consults;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.tiphotline.consults.Consults;
import org.tiphotline.console.live.EveryTab;
import org.tiphotline.labels.Labels;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;

/**
 * Tells both operators of a consult what happened, in words, on {@code /user/queue/consult}: the colleague that
 * someone asks them about a call (then that they have the caller, or that the other went back to them), the asker
 * the same about their colleague. Staff names and the call's id only. Sent by the node that recorded the step; the
 * relay carries it to the tabs on either node.
 */
@Component
class ConsultPush {

    private final EveryTab tabs;
    private final Operators operators;

    ConsultPush(EveryTab tabs, Operators operators) {
        this.tabs = tabs;
        this.operators = operators;
    }

    @EventListener
    void on(Consults.Changed changed) {
        if (changed.colleague() == null) {
            Map<String, Object> toOperator = message(changed, name(changed.operator()), null);
            toOperator.put("role", "ASKER");
            toOperator.put("words", Labels.of("consult", changed.what()));
            send(changed.operator(), toOperator);
            return;
        }
        String asker = name(changed.operator());
        String colleague = name(changed.colleague());
        String words = Labels.of("consult", changed.what());
        Map<String, Object> toColleague = message(changed, asker, colleague);
        toColleague.put("role", "COLLEAGUE");
        toColleague.put("words", switch (changed.what()) {
            case "CONSULTED" -> asker + " asks you about a call (the caller is on hold)";
            case "HANDED_OVER" -> asker + " handed the caller over to you: you are on the call";
            default -> asker + " went back to the caller";
        });
        Map<String, Object> toAsker = message(changed, asker, colleague);
        toAsker.put("role", "ASKER");
        toAsker.put("words", colleague + " " + words);
        send(changed.colleague(), toColleague);
        send(changed.operator(), toAsker);
    }

    private static Map<String, Object> message(Consults.Changed changed, String asker, String colleague) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("call", changed.call());
        message.put("what", changed.what());
        message.put("operator", asker);
        message.put("colleague", colleague);
        return message;
    }

    private void send(OperatorId to, Map<String, Object> message) {
        operators.byId(to).map(Operator::username).ifPresent(username -> tabs.send(username, "/queue/consult",
                message));
    }

    private String name(OperatorId id) {
        return operators.byId(id).map(Operator::displayName).orElse("A colleague");
    }
}
