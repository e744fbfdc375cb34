package org.tiphotline.console.consults;

import java.security.Principal;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.consults.Consults;
import org.tiphotline.labels.Labels;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.RoutingView;

/**
 * An operator on a call asks a colleague, hands the caller over or goes back to them (operators only, under
 * {@code /api/console}, see WebSecurity):
 * <ul>
 * <li>{@code GET /api/console/colleagues}: the other operators at their seats, by name, with their languages (by
 *     name) and whether they can be asked now (available);</li>
 * <li>{@code POST /api/console/calls/{call}/consult} with {@code {"colleague": id}} or {@code {"language": "es"}}
 *     (the longest idle available speaker): the caller is held and the colleague's phone rings;</li>
 * <li>{@code POST /api/console/calls/{call}/consult/hand-over}: the warm transfer; {@code DELETE .../consult}: back
 *     to the caller;</li>
 * <li>{@code GET /api/console/interpreters}: the directory's interpreter lines by name; {@code POST
 *     /api/console/calls/{call}/interpreter} with {@code {"agency": id}}: that line joins the call, all three talk.</li>
 * </ul>
 * 409 in words when it cannot be done (not your call, not talking, the colleague not available, no phone of theirs
 * the provider can ring); 400 for a body that names nobody. Staff names only: nothing of the caller in any answer.
 */
@RestController
@RequestMapping("/api/console")
class ConsultApi {

    record Ask(Long colleague, String language) {}

    record Interpreter(String agency) {}

    private final Consults consults;
    private final Operators operators;
    private final Calls calls;
    private final RoutingView routing;

    ConsultApi(Consults consults, Operators operators, Calls calls, RoutingView routing) {
        this.consults = consults;
        this.operators = operators;
        this.calls = calls;
        this.routing = routing;
    }

    @GetMapping("/colleagues")
    List<Map<String, Object>> colleagues(Principal principal) {
        OperatorId me = me(principal).id();
        return routing.snapshot().operators().stream().filter(seat -> !seat.operator().equals(me))
                .flatMap(seat -> operators.byId(seat.operator()).stream().map(o -> {
                    Map<String, Object> colleague = new LinkedHashMap<>();
                    colleague.put("id", o.id().value());
                    colleague.put("name", o.displayName());
                    colleague.put("languages", o.languages().stream().map(l -> Map.of("code", l, "name",
                            java.util.Locale.of(l).getDisplayLanguage(java.util.Locale.ENGLISH))).toList());
                    colleague.put("available", seat.presence() == Presence.AVAILABLE);
                    colleague.put("presence", Labels.of("presence", seat.presence().name()));
                    return colleague;
                }))
                .sorted(Comparator.comparing((Map<String, Object> c) -> !(Boolean) c.get("available"))
                        .thenComparing(c -> (String) c.get("name")))
                .toList();
    }

    @PostMapping("/calls/{callId}/consult")
    Map<String, Object> ask(@PathVariable String callId, @RequestBody(required = false) Ask request,
            Principal principal) {
        if (request == null || request.colleague() == null && (request.language() == null
                || !request.language().matches("[a-z]{2,3}"))) {
            throw new IllegalArgumentException("colleague (an operator's id) or language (ISO 639, such as 'es'): "
                    + "say whom to ask");
        }
        CallId id = CallId.parse(callId);
        consults.ask(id, me(principal), request.colleague() == null ? null : new OperatorId(request.colleague()),
                request.colleague() == null ? request.language() : null);
        return state(id);
    }

    @PostMapping("/calls/{callId}/consult/hand-over")
    Map<String, Object> handOver(@PathVariable String callId, Principal principal) {
        CallId id = CallId.parse(callId);
        consults.handOver(id, me(principal));
        return state(id);
    }

    @DeleteMapping("/calls/{callId}/consult")
    Map<String, Object> backToCaller(@PathVariable String callId, Principal principal) {
        CallId id = CallId.parse(callId);
        consults.cancel(id, me(principal));
        return state(id);
    }

    /** The directory's interpreter lines, by name (no number: the line is dialled by the hotline). */
    @GetMapping("/interpreters")
    List<Map<String, String>> interpreters() {
        return consults.interpreterLines().stream().map(a -> Map.of("id", a.id(), "name", a.name())).toList();
    }

    @PostMapping("/calls/{callId}/interpreter")
    Map<String, Object> addInterpreter(@PathVariable String callId, @RequestBody(required = false) Interpreter request,
            Principal principal) {
        if (request == null || request.agency() == null || request.agency().isBlank()) {
            throw new IllegalArgumentException("agency: which interpreter line of the directory");
        }
        CallId id = CallId.parse(callId);
        consults.addInterpreter(id, me(principal), request.agency());
        Map<String, Object> state = state(id);
        state.put("interpreter", true);
        return state;
    }

    /** Who has the call and whom they ask, by name. */
    private Map<String, Object> state(CallId id) {
        Call call = calls.load(id).orElseThrow(() -> new UnknownCall(id));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("call", id);
        state.put("operator", name(call.operator()));
        state.put("consulting", name(call.consulting()));
        return state;
    }

    private String name(OperatorId id) {
        return id == null ? null : operators.byId(id).map(Operator::displayName).orElse(null);
    }

    private Operator me(Principal principal) {
        return operators.byUsername(principal.getName())
                .orElseThrow(() -> new SecurityException("the signed-in user no longer exists"));
    }
}
