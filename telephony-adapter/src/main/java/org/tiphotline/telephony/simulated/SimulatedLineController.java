package org.tiphotline.telephony.simulated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;

/**
 * The simulated line's REST API: place a test call with its IVR answers, hang up as the caller, and pick up or
 * hang up as the operator whose simulated phone rings. Used by the console's test-call panel and by tests.
 */
@RestController
@RequestMapping("/api/sim/calls")
// Off unless switched on (the demo profile does): a deployment that forgets the setting has no fake line
// through which anyone could put calls into the live queue.
@ConditionalOnProperty(prefix = "hotline.telephony.simulated", name = "enabled", havingValue = "true")
class SimulatedLineController {

    /** A test call; any IVR answer left out is simply not given, as a caller who stays silent. */
    record PlaceCall(
            @Size(max = 32) @Pattern(regexp = "[+0-9 ()./-]*", message = "may contain only digits and + ( ) - . /")
            String callerNumber,
            @Size(max = 40) @Pattern(regexp = "[+0-9]*", message = "may contain only digits and +")
            String dialled,
            @Pattern(regexp = "[a-z]{2,3}", message = "must be an ISO 639 code such as 'en'") String language,
            @Pattern(regexp = "YES|NO|NO_INPUT", message = "must be YES, NO or NO_INPUT") String immediateDanger,
            @Pattern(regexp = "AFFECTED_PERSON|SOMEONE_ELSE|PROFESSIONAL",
                    message = "must be AFFECTED_PERSON, SOMEONE_ELSE or PROFESSIONAL") String callerType,
            Boolean stayInIvr,
            @Pattern(regexp = "YES|NO", message = "must be YES or NO (silence at that question is NO)")
            String safeToCallBack,
            Boolean cannotSpeakFreely) {}

    private final SimulatedLine line;
    private final Operators operators;

    SimulatedLineController(SimulatedLine line, Operators operators) {
        this.line = line;
        this.operators = operators;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    SimulatedLine.SimCall place(@Valid @RequestBody PlaceCall request) {
        Map<IvrQuestion, String> answers = new EnumMap<>(IvrQuestion.class);
        if (request.language() != null) {
            answers.put(IvrQuestion.LANGUAGE, request.language());
        }
        if (request.immediateDanger() != null) {
            answers.put(IvrQuestion.IMMEDIATE_DANGER, request.immediateDanger());
        }
        if (request.callerType() != null) {
            answers.put(IvrQuestion.CALLER_TYPE, request.callerType());
        }
        if (request.safeToCallBack() != null) {
            answers.put(IvrQuestion.SAFE_TO_CALL_BACK, request.safeToCallBack());
        }
        if (Boolean.TRUE.equals(request.cannotSpeakFreely())) {
            answers.put(IvrQuestion.CANNOT_SPEAK_FREELY, "YES");
        }
        String dialled = request.dialled() == null || request.dialled().isBlank() ? "HOTLINE" : request.dialled();
        return line.place(request.callerNumber(), dialled, answers, Boolean.TRUE.equals(request.stayInIvr()));
    }

    @GetMapping
    Collection<SimulatedLine.SimCall> calls() {
        return line.calls();
    }

    @PostMapping("/{providerCallId}/caller-hangup")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void callerHangsUp(@PathVariable String providerCallId) {
        line.callerHangsUp(providerCallId);
    }

    @PostMapping("/{providerCallId}/answer")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void answer(@PathVariable String providerCallId, Principal principal) {
        line.operatorAnswers(providerCallId, me(principal));
    }

    @PostMapping("/{providerCallId}/operator-hangup")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void operatorHangsUp(@PathVariable String providerCallId, Principal principal) {
        line.operatorHangsUp(providerCallId, me(principal));
    }

    private OperatorId me(Principal principal) {
        return operators.byUsername(principal.getName())
                .orElseThrow(() -> new SecurityException("only operators have a simulated phone")).id();
    }
}
