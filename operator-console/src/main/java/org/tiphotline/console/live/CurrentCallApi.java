package org.tiphotline.console.live;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.web.Actors;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.operators.Actor;
import org.tiphotline.routing.RoutingView;

/**
 * The call ringing at or talking with the signed-in operator, as its screen pop showed it: a console reloaded
 * mid-call gets its call bar back (the IVR answers, earlier contacts, the timers) instead of a bare form. Only the
 * operator's own seat is read, and nothing personal is in it (the caller's mask, never the number, so no audit
 * row: the pop itself carries the same).
 */
@RestController
@RequestMapping("/api/console")
class CurrentCallApi {

    /**
     * @param sinceSeconds how long it has rung (state RINGING) or the operator has talked (TALKING), by the
     *     server's clock: the console counts on from there with its own
     * @param safeToCallBack and {@code quietMode} as on the screen pop
     */
    record CurrentCall(CallId call, ReportId report, String provider, String providerCallId, String callerMask,
            String language, boolean urgent, String callerType, Map<String, String> ivrPath, long waitedSeconds,
            int earlierContacts, CallState state, long sinceSeconds, Boolean safeToCallBack, boolean quietMode,
            org.tiphotline.calls.CallDirection direction) {}

    private final RoutingView routing;
    private final Calls calls;
    private final Intake intake;
    private final Actors actors;
    private final Clock clock;

    CurrentCallApi(RoutingView routing, Calls calls, Intake intake, Actors actors, Clock clock) {
        this.routing = routing;
        this.calls = calls;
        this.intake = intake;
        this.actors = actors;
        this.clock = clock;
    }

    /** {@code {"current": …}}, or {@code {}} when no call rings at the operator and they are on none. */
    @GetMapping("/call")
    Map<String, CurrentCall> current(Principal principal) {
        Actor me = actors.of(principal);
        Instant now = clock.instant();
        Optional<CurrentCall> current = routing.snapshot().operators().stream()
                .filter(seat -> seat.operator().equals(me.id()) && seat.call() != null).findFirst()
                .flatMap(seat -> calls.load(seat.call())
                        .filter(call -> mine(call, me) && (call.state() == CallState.RINGING
                                || call.state() == CallState.TALKING))
                        .map(call -> view(call, seat.since(), now)));
        return java.util.Collections.singletonMap("current", current.orElse(null));
    }

    private static boolean mine(Call call, Actor me) {
        return me.id().equals(call.state() == CallState.TALKING ? call.operator() : call.lastOffered());
    }

    private CurrentCall view(Call call, Instant since, Instant now) {
        return new CurrentCall(call.id(), intake.reportOf(call.id()).orElse(null), call.ref().provider(),
                call.ref().providerCallId(), call.callerMask(), call.language(), call.urgent(), call.callerType(),
                call.ivrPath(), call.waited(now).toSeconds(), calls.earlierContacts(call.id()), call.state(),
                Math.max(0, Duration.between(since, now).toSeconds()), call.safeToCallBack(), call.quietMode(),
                call.direction());
    }
}
