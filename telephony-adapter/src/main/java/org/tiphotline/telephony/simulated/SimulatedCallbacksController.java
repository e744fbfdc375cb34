package org.tiphotline.telephony.simulated;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The person at the other end of a simulated callback, for tests and the demo: they answer, or nobody does. The
 * operator's side (answer, hang up) is the simulated line's usual one.
 */
@RestController
@RequestMapping("/api/sim/calls")
@ConditionalOnProperty(prefix = "hotline.telephony.simulated", name = "enabled", havingValue = "true")
class SimulatedCallbacksController {

    private final SimulatedLine line;

    SimulatedCallbacksController(SimulatedLine line) {
        this.line = line;
    }

    @PostMapping("/{providerCallId}/callee-answers")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void calleeAnswers(@PathVariable String providerCallId) {
        line.calleeAnswers(providerCallId);
    }

    @PostMapping("/{providerCallId}/nobody-answers")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void nobodyAnswers(@PathVariable String providerCallId) {
        line.nobodyAnswers(providerCallId);
    }
}
