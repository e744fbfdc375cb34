package org.tiphotline.console.quiet;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.QuietMode;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.console.web.Actors;
import org.tiphotline.quiet.QuietScript;

/**
 * The operator's side of a caller who cannot speak freely: the script (derived from the registering form, with the
 * cover story; no data of anyone) and the switch of a call to it. The switch is the operator's on that call alone
 * (QuietMode checks the call, 403 for anyone else, 409 once it has ended); the answers are saved through the
 * form's own field saves, so they are audited and versioned like any other.
 */
@RestController
@RequestMapping("/api/console")
class QuietModeApi {

    record Script(String coverStory, List<QuietScript.Question> questions) {}

    private final QuietScript script;
    private final QuietModeSettings settings;
    private final QuietMode quietMode;
    private final Actors actors;
    private final Calls calls;
    private final TelephonyPorts ports;

    QuietModeApi(QuietScript script, QuietModeSettings settings, QuietMode quietMode, Actors actors, Calls calls,
            TelephonyPorts ports) {
        this.script = script;
        this.settings = settings;
        this.quietMode = quietMode;
        this.actors = actors;
        this.calls = calls;
        this.ports = ports;
    }

    @GetMapping("/quiet-script")
    Script script() {
        return new Script(settings.coverStory(), script.questions());
    }

    /** {@code switched}: false when the call already was in quiet mode (the IVR's digit, another tab). */
    @PostMapping("/calls/{callId}/quiet-mode")
    Map<String, Object> switchToScript(@PathVariable String callId, Principal principal) {
        boolean switched = quietMode.switchOn(CallId.parse(callId), actors.of(principal).id());
        return Map.of("call", callId, "quietMode", true, "switched", switched);
    }

    /**
     * "Safe end": the hotline hangs the call up itself, on every provider, so an operator on a desk phone has the same
     * one click as one on the browser phone; the provider then reports the end like any other. Only the operator
     * talking on the call may end it this way (403), a call that is not being talked on is refused (409).
     */
    @PostMapping("/calls/{callId}/safe-end")
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.ACCEPTED)
    Map<String, Object> safeEnd(@PathVariable String callId, Principal principal) {
        CallId id = CallId.parse(callId);
        Call call = calls.load(id).orElseThrow(() -> new UnknownCall(id));
        if (!actors.of(principal).id().equals(call.operator())) {
            throw new SecurityException("only the operator talking on the call may end it");
        }
        if (call.state() != CallState.TALKING) {
            throw new IllegalStateException("the call is not in progress; there is nothing to end");
        }
        ports.of(call.ref().provider()).hangUp(call.ref());
        return Map.of("call", callId, "ending", true);
    }
}
