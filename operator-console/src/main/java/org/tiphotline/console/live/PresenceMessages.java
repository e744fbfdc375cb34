package org.tiphotline.console.live;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.stereotype.Controller;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;
import org.tiphotline.routing.RoutingView;

/**
 * Operators set themselves available or away over the live channel. When an operator's last console
 * disconnects (tab closed, browser crashed, network gone) they are set away, so no caller is offered to a
 * screen nobody is looking at; a call already in progress continues on their phone. A node that stops closes its
 * sockets itself: that is not the operator leaving.
 */
@Controller
class PresenceMessages {

    /** {@code reason}: why they go away (AwayReason), none for a plain "Away". */
    record PresenceRequest(String presence, String reason) {}

    private final Router router;
    private final RoutingView view;
    private final Operators operators;
    private final EveryTab tabs;
    private final PresenceWords words;
    private final Map<String, Set<String>> sessions = new ConcurrentHashMap<>();
    /** Set once this node starts stopping; its own closing of every socket then sets nobody away. */
    private volatile boolean stopping;

    PresenceMessages(Router router, RoutingView view, Operators operators, EveryTab tabs, PresenceWords words) {
        this.words = words;
        this.router = router;
        this.view = view;
        this.operators = operators;
        this.tabs = tabs;
    }

    /** The answer goes to every tab of the operator through {@link EveryTab}, not {@code @SendToUser}. */
    @MessageMapping("/presence")
    void setPresence(@Payload PresenceRequest request, Principal principal) {
        Presence wanted;
        try {
            wanted = Presence.valueOf(String.valueOf(request.presence()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("presence must be AVAILABLE or AWAY");
        }
        AwayReason reason = null;
        if (request.reason() != null && !request.reason().isBlank()) {
            try {
                reason = AwayReason.valueOf(request.reason());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reason must be one of BREAK, TRAINING, MEETING, OTHER");
            }
            if (wanted != Presence.AWAY) {
                throw new IllegalArgumentException("a reason goes with AWAY only");
            }
        }
        Operator me = operators.byUsername(principal.getName()).orElseThrow();
        router.setPresence(me.id(), wanted, reason);
        // Every tab hears the change itself (LivePush); a choice that changed nothing is answered here.
        tabs.send(principal.getName(), "/queue/presence", words.of(view, me.id()));
    }

    @MessageExceptionHandler
    @SendToUser(destinations = "/queue/errors", broadcast = false)
    Map<String, String> refused(RuntimeException e) {
        String message = e instanceof IllegalArgumentException || e instanceof IllegalStateException
                ? e.getMessage() : "the message could not be read";
        return Map.of("error", message);
    }

    @EventListener
    void on(SessionConnectedEvent connected) {
        Principal user = connected.getUser();
        if (user != null) {
            sessions.computeIfAbsent(user.getName(), u -> ConcurrentHashMap.newKeySet())
                    .add(String.valueOf(connected.getMessage().getHeaders().get("simpSessionId")));
            // A console coming back by itself after a broker or network blip: nobody should have to notice it.
            operators.byUsername(user.getName()).ifPresent(op -> router.consoleOpened(op.id()));
        }
    }

    /**
     * Published before Spring closes the sockets (a rolling upgrade, a restart): the operators' consoles reconnect
     * to the other node by themselves and must find them as they were, not away because this node went.
     */
    @EventListener
    void on(ContextClosedEvent closing) {
        stopping = true;
    }

    @EventListener
    void on(SessionDisconnectEvent disconnected) {
        Principal user = disconnected.getUser();
        if (user == null || stopping) {
            return;
        }
        Set<String> open = sessions.getOrDefault(user.getName(), Set.of());
        open.remove(disconnected.getSessionId());
        if (open.isEmpty()) {
            operators.byUsername(user.getName()).ifPresent(op -> router.consoleClosed(op.id()));
        }
    }
}
