package org.tiphotline.console.sso;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.web.util.HtmlUtils;
import org.tiphotline.console.online.AddressRateLimit;
import org.tiphotline.console.security.RoleLanding;
import org.tiphotline.signin.SignInEvents;
import org.tiphotline.signin.SignInEvents.Outcome;

/**
 * Writes every single sign-on, and every refusal, to the sign-in log (the username, never a token), then lands the
 * person on their role's page or tells them plainly why they were not let in.
 */
final class SsoOutcomes implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    private final SignInEvents events;
    private final String provider;
    private final RoleLanding landing = new RoleLanding();

    SsoOutcomes(SignInEvents events, String provider) {
        this.events = events;
        this.provider = provider;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException, ServletException {
        events.record(authentication.getName(), address(request), Outcome.SSO_SIGNED_IN);
        landing.onAuthenticationSuccess(request, response, authentication);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        String message;
        if (exception instanceof SsoRefused refused) {
            events.record(refused.username(), address(request), refused.outcome());
            message = refused.getMessage();
        } else {
            // The provider's error, a forged or stale answer, a token that does not verify: nobody to name.
            events.record("", address(request), Outcome.SSO_FAILED);
            String code = exception instanceof OAuth2AuthenticationException oauth
                    ? oauth.getError().getErrorCode() : "unexpected answer";
            message = "The sign-in through " + provider + " did not complete (" + code + "). Try again, or sign in"
                    + " with your password.";
        }
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/html;charset=UTF-8");
        response.getOutputStream().write(("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Sign-in refused</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><main>"
                + "<h1>You are not signed in</h1><p role=\"alert\" id=\"sso-refused\">" + HtmlUtils.htmlEscape(message)
                + "</p><p><a href=\"/login\">Back to sign-in</a></p></main></body></html>")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String address(HttpServletRequest request) {
        return AddressRateLimit.key(request.getRemoteAddr());
    }
}
