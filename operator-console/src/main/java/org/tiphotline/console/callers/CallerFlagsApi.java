package org.tiphotline.console.callers;

import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.callers.CallerFlag;
import org.tiphotline.callers.CallerFlags;
import org.tiphotline.callers.FlagKind;
import org.tiphotline.calls.CallId;
import org.tiphotline.console.web.Actors;

/** Supervisors flag the caller of a call, list the flags in force and lift one early. */
@RestController
@RequestMapping("/api")
class CallerFlagsApi {

    /** @param days how long the flag lasts, 1 to 365 */
    record SetFlag(String kind, String note, Integer days) {}

    private final CallerFlags flags;
    private final Actors actors;

    CallerFlagsApi(CallerFlags flags, Actors actors) {
        this.flags = flags;
        this.actors = actors;
    }

    @PostMapping("/calls/{callId}/caller-flags")
    @ResponseStatus(HttpStatus.CREATED)
    CallerFlag set(@PathVariable String callId, @RequestBody SetFlag body, Principal principal) {
        if (body.days() == null) {
            throw new IllegalArgumentException("days is required: every flag ends, at most "
                    + CallerFlags.LONGEST_DAYS + " days after it is set");
        }
        return flags.set(actors.of(principal), CallId.parse(callId), kind(body.kind()), body.note(), body.days());
    }

    @GetMapping("/caller-flags")
    List<CallerFlag> inForce(Principal principal) {
        return flags.active(actors.of(principal));
    }

    @PostMapping("/caller-flags/{id}/lift")
    CallerFlag lift(@PathVariable String id, Principal principal) {
        UUID flag;
        try {
            flag = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a flag id is a UUID");
        }
        return flags.lift(actors.of(principal), flag);
    }

    private static FlagKind kind(String text) {
        try {
            return FlagKind.valueOf(String.valueOf(text).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind must be one of ABUSIVE, HIGH_RISK, PRANK");
        }
    }
}
