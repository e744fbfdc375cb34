package org.tiphotline.console.quiet;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.console.web.Actors;
import org.tiphotline.quiet.QuietScript;

/**
 * The operator's side of a caller who cannot speak freely: the script (derived from the registering form, with the
 * cover story; no data of anyone) and the switch of a call to it. The switch is the operator's on that call alone
 * (the switchboard checks the call, 403 for anyone else, 409 once it has ended); the answers are saved through the
 * form's own field saves, so they are audited and versioned like any other.
 */
@RestController
@RequestMapping("/api/console")
class QuietModeApi {

    record Script(String coverStory, List<QuietScript.Question> questions) {}

    private final QuietScript script;
    private final QuietModeSettings settings;
    private final Switchboard switchboard;
    private final Actors actors;

    QuietModeApi(QuietScript script, QuietModeSettings settings, Switchboard switchboard, Actors actors) {
        this.script = script;
        this.settings = settings;
        this.switchboard = switchboard;
        this.actors = actors;
    }

    @GetMapping("/quiet-script")
    Script script() {
        return new Script(settings.coverStory(), script.questions());
    }

    /** {@code switched}: false when the call already was in quiet mode (the IVR's digit, another tab). */
    @PostMapping("/calls/{callId}/quiet-mode")
    Map<String, Object> switchToScript(@PathVariable String callId, Principal principal) {
        boolean switched = switchboard.quietMode(CallId.parse(callId), actors.of(principal).id());
        return Map.of("call", callId, "quietMode", true, "switched", switched);
    }
}
