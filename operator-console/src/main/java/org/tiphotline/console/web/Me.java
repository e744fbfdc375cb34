package org.tiphotline.console.web;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.view.RedirectView;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.escalation.Directory;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.RoutingView;

/**
 * Who is signed in, with the CSRF token the console's scripts send on writes and on the STOMP CONNECT.
 */
@RestController
class Me {

    private final Operators operators;
    private final RoutingView routing;
    private final CallSettings calls;
    private final JurisdictionSettings jurisdiction;

    private final Directory directory;
    private final org.tiphotline.console.live.PresenceWords presenceWords;

    Me(Operators operators, RoutingView routing, CallSettings calls, JurisdictionSettings jurisdiction,
            Directory directory, org.tiphotline.console.live.PresenceWords presenceWords) {
        this.presenceWords = presenceWords;
        this.directory = directory;
        this.operators = operators;
        this.routing = routing;
        this.calls = calls;
        this.jurisdiction = jurisdiction;
    }

    @GetMapping("/api/me")
    Map<String, Object> me(Principal principal, HttpServletRequest request) {
        Operator me = operators.byUsername(principal.getName()).orElseThrow(() -> new SecurityException("no user"));
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", me.id().value());
        body.put("username", me.username());
        body.put("displayName", me.displayName());
        body.put("role", me.role());
        body.put("languages", me.languages());
        body.put("presence", routing.presence(me.id()));
        // Why, by whom and since when (issue 20): the console says "Your supervisor set you away: In a meeting".
        body.put("presenceDetail", presenceWords.of(routing, me.id()));
        body.put("hotlineLanguages", calls.languages());
        operators.agencyOf(me.id()).ifPresent(agency -> body.put("agency", agency));
        // A liaison reads their agency by name (issue 17), which their role cannot look up in the directory.
        operators.agencyOf(me.id()).flatMap(directory::agency).ifPresent(a -> body.put("agencyName", a.name()));
        // Dates on every page are read in the jurisdiction's zone and format, whatever the browser's machine says.
        body.put("jurisdiction", Map.of("name", jurisdiction.name(), "country", jurisdiction.country(),
                "timeZone", jurisdiction.timeZone(), "locale", jurisdiction.locale()));
        body.put("csrf", Map.of("header", csrf.getHeaderName(), "token", csrf.getToken()));
        return body;
    }

    @GetMapping("/")
    RedirectView home(org.springframework.security.core.Authentication auth) {
        return new RedirectView(org.tiphotline.console.security.RoleLanding.pageFor(auth));
    }
}
