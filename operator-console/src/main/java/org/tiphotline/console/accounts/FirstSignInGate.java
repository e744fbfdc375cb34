package org.tiphotline.console.accounts;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds a signed-in user at the first pending {@link FirstSignInStep} until it is done. Runs after the
 * authorization rules, so it only ever narrows what a user may reach. Not a bean: a filter bean would also be
 * registered with the servlet container and run outside Spring Security's chain.
 */
public final class FirstSignInGate extends OncePerRequestFilter {

    /**
     * Reachable whatever is pending: signing out, the shared scripts, styles, labels and icon (without ui.js the
     * password change and enrolment pages cannot run), who am I (the CSRF token).
     */
    private static final List<String> ALWAYS = List.of("/logout", "/login", "/error", "/favicon.ico", "/css/**",
            "/js/common.js", "/api/me", "/js/ui.js", "/api/labels", "/favicon.svg");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Gate(FirstSignInStep step, List<RequestMatcher> open) {}

    private final List<Gate> gates = new ArrayList<>();

    public FirstSignInGate(List<FirstSignInStep> steps) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        for (FirstSignInStep step : steps) {
            gates.add(new Gate(step, Stream.concat(Stream.concat(ALWAYS.stream(), Stream.of(step.page())),
                    step.paths().stream()).map(p -> (RequestMatcher) paths.matcher(p)).toList()));
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        if (user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken)) {
            for (Gate gate : gates) {
                if (gate.step().pending(user)) {
                    if (gate.open().stream().anyMatch(m -> m.matches(request))) {
                        break;
                    }
                    refuse(request, response, gate.step());
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, FirstSignInStep step)
            throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/") || path.equals("/ws") || path.startsWith("/ws/")) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getWriter().write(JSON.writeValueAsString(java.util.Map.of("error", "first_sign_in",
                    "message", step.refusal() + " (" + step.page() + ")")));
            return;
        }
        response.sendRedirect(request.getContextPath() + step.page());
    }
}
