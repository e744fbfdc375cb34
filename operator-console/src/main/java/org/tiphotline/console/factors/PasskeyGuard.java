package org.tiphotline.console.factors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.tiphotline.accounts.Passwords;
import org.tiphotline.factors.SecondFactors;
import tools.jackson.databind.json.JsonMapper;

/**
 * Our rules in front of Spring Security's passkey endpoints, which are filters that run before (or without) the
 * authorization rules and {@code FirstSignInGate}:
 * <ul>
 * <li>every one of them needs a password sign-in first (a passkey is only ever a second factor);</li>
 * <li>registering a passkey needs the one-time password replaced, and, when the user already has a factor, that
 * factor used in this sign-in: a password alone never adds a factor (as {@code FactorsApi} rules for apps);</li>
 * <li>a registered passkey is an audit row, and the first factor brings the recovery codes, shown once in the
 * answer;</li>
 * <li>nobody deletes a passkey here: that is an administrator's (audited) reset, or a stolen password could remove
 * the passkey and enrol another.</li>
 * </ul>
 * Not a bean: a filter bean would also run outside Spring Security's chain.
 */
final class PasskeyGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(PasskeyGuard.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();
    private static final RequestMatcher REGISTER_OPTIONS = PATHS.matcher(HttpMethod.POST, "/webauthn/register/options");
    private static final RequestMatcher REGISTER = PATHS.matcher(HttpMethod.POST, "/webauthn/register");
    private static final RequestMatcher DELETE = PATHS.matcher(HttpMethod.DELETE, "/webauthn/register/*");
    private static final RequestMatcher SIGN_IN_OPTIONS = PATHS.matcher(HttpMethod.POST,
            "/webauthn/authenticate/options");
    private static final List<RequestMatcher> ALL = List.of(REGISTER_OPTIONS, REGISTER, DELETE, SIGN_IN_OPTIONS);

    private final SecondFactors factors;
    private final SecondFactorGate gate;
    private final Passwords passwords;

    PasskeyGuard(SecondFactors factors, SecondFactorGate gate, Passwords passwords) {
        this.factors = factors;
        this.gate = gate;
        this.passwords = passwords;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (ALL.stream().noneMatch(m -> m.matches(request))) {
            chain.doFilter(request, response);
            return;
        }
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        if (user == null || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated()
                || !SecondFactorGate.hasPassword(user)) {
            refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthenticated",
                    "sign in with your password first: a passkey is a second factor");
            return;
        }
        if (DELETE.matches(request)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "reset_only",
                    "passkeys are removed by an administrator's reset of your second factor");
            return;
        }
        if (SIGN_IN_OPTIONS.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        String me = user.getName();
        if (passwords.mustChange(me)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "first_sign_in",
                    "change your one-time password first (/account.html)");
            return;
        }
        if (factors.hasFactor(me) && !gate.hasSecondFactor(user)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "factor_first", FactorsApi.FACTOR_FIRST);
            return;
        }
        if (REGISTER_OPTIONS.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        register(me, request, response, chain);
    }

    /** Spring's registration, with its answer held back until the enrolment is recorded. */
    private void register(String me, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, held);
        } catch (RuntimeException refused) {
            // webauthn4j refuses a bad attestation (wrong origin, challenge, relying party) by throwing.
            log.info("a passkey registration was refused: {}", refused.getClass().getSimpleName());
            held.resetBuffer();
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "passkey_refused",
                    "this passkey could not be added: start again from the second-factor page");
            return;
        }
        if (held.getStatus() == HttpServletResponse.SC_OK) {
            List<String> codes = factors.passkeyEnrolled(me);
            held.resetBuffer();
            held.setContentType(MediaType.APPLICATION_JSON_VALUE);
            held.getOutputStream().write(JSON.writeValueAsBytes(Map.of("success", true, "recoveryCodes", codes)));
        } else if (held.getContentSize() == 0) {
            held.setContentType(MediaType.APPLICATION_JSON_VALUE);
            held.getOutputStream().write(JSON.writeValueAsBytes(Map.of("error", "passkey_refused", "message",
                    "this passkey could not be added: start again from the second-factor page")));
        }
        held.copyBodyToResponse();
    }

    private static void refuse(HttpServletResponse response, int status, String error, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getWriter().write(JSON.writeValueAsString(Map.of("error", error, "message", message)));
    }
}
