package org.tiphotline.console.supervision;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Supervision;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.telephony.SupervisionMode;

/**
 * A supervisor listening in on, coaching in or joining a talking operator's call (supervisors only, see
 * WebSecurity). {@code POST /api/supervision/calls/{call}} with {@code {"mode": "LISTEN" | "WHISPER" | "JOIN"}}
 * rings the supervisor's phone onto the call (a second POST with another mode switches); {@code DELETE} takes them
 * off. 409 in words when the call is not being talked on or the supervisor has no phone the call's provider can
 * ring; 400 for a mode that is none of the three. Nothing of the caller in any answer.
 */
@RestController
@RequestMapping("/api/supervision")
class SupervisionApi {

    record Start(String mode) {}

    private final Supervision supervision;
    private final Operators operators;
    private final Calls calls;

    SupervisionApi(Supervision supervision, Operators operators, Calls calls) {
        this.supervision = supervision;
        this.operators = operators;
        this.calls = calls;
    }

    @PostMapping("/calls/{callId}")
    Map<String, Object> start(@PathVariable String callId, @RequestBody(required = false) Start request,
            Principal principal) {
        SupervisionMode mode = mode(request);
        CallId id = CallId.parse(callId);
        supervision.start(id, me(principal), mode);
        return state(id, principal);
    }

    @DeleteMapping("/calls/{callId}")
    Map<String, Object> stop(@PathVariable String callId, Principal principal) {
        CallId id = CallId.parse(callId);
        supervision.stop(id, me(principal));
        return state(id, principal);
    }

    /** Whether the signed-in supervisor is on the call now, and how; for a page reloaded while listening. */
    @GetMapping("/calls/{callId}")
    Map<String, Object> get(@PathVariable String callId, Principal principal) {
        return state(CallId.parse(callId), principal);
    }

    /**
     * The calls the signed-in supervisor is on now, each {@code {"call","operator","mode"}}: a page opened again
     * (reloaded, a second tab) shows them as on, and Stop works from there.
     */
    @GetMapping("/mine")
    java.util.List<Map<String, Object>> mine(Principal principal) {
        Operator me = me(principal);
        return calls.supervisedBy(me.id()).stream().map(call -> {
            Map<String, Object> on = new LinkedHashMap<>();
            on.put("call", call.id());
            on.put("operator", call.operator() == null ? null : call.operator().value());
            on.put("mode", call.supervisors().get(me.id()));
            return on;
        }).toList();
    }

    private Map<String, Object> state(CallId id, Principal principal) {
        Call call = calls.load(id).orElseThrow(() -> new UnknownCall(id));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("call", id);
        state.put("talking", call.state() == CallState.TALKING);
        state.put("mode", call.supervisors().get(me(principal).id()));
        return state;
    }

    private static SupervisionMode mode(Start request) {
        String mode = request == null ? null : request.mode();
        try {
            return SupervisionMode.valueOf(mode == null ? "" : mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode: must be LISTEN (listen in), WHISPER (coach the operator) or "
                    + "JOIN (take part in the call)");
        }
    }

    private Operator me(Principal principal) {
        return operators.byUsername(principal.getName())
                .orElseThrow(() -> new SecurityException("the signed-in user no longer exists"));
    }
}
