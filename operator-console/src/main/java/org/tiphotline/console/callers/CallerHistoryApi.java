package org.tiphotline.console.callers;

import java.security.Principal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.callers.EarlierContacts;
import org.tiphotline.calls.CallId;
import org.tiphotline.console.web.Actors;

/**
 * The earlier contacts and flags of the caller of a ringing or current call, which the console fetches when the
 * call pops (never pushed with the pop, so only a read that passes need-to-know carries them, and each leaves its
 * audit row). The number appears only as its mask.
 */
@RestController
@RequestMapping("/api/calls")
class CallerHistoryApi {

    private final EarlierContacts earlier;
    private final Actors actors;

    CallerHistoryApi(EarlierContacts earlier, Actors actors) {
        this.earlier = earlier;
        this.actors = actors;
    }

    @GetMapping("/{callId}/earlier-contacts")
    EarlierContacts.History history(@PathVariable String callId, Principal principal) {
        return earlier.of(actors.of(principal), CallId.parse(callId));
    }
}
