package org.tiphotline.console.sso;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import org.tiphotline.operators.Operators;
import org.tiphotline.signin.SignInEvents;

/**
 * The single sign-on, present only when switched on: the web security adds it to the sign-in, the sign-in page
 * shows its button. Without this bean there is no /oauth2 endpoint at all.
 */
@Component
@ConditionalOnProperty(name = "hotline.security.oidc.enabled", havingValue = "true")
public class SingleSignOn {

    /** Where the button sends the browser: Spring Security's redirect to the provider. */
    public static final String START = "/oauth2/authorization/" + ProviderRegistration.ID;
    /** Where the provider sends the browser back. */
    public static final String CALLBACK = "/login/oauth2/code/*";

    private final SsoSettings settings;
    private final ProviderRegistration registration;
    private final SsoUsers users;
    private final SsoOutcomes outcomes;

    SingleSignOn(SsoSettings settings, Operators operators, SignInEvents events) {
        List<String> missing = settings.missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("hotline.security.oidc.enabled is true but these settings are missing: "
                    + String.join(", ", missing));
        }
        this.settings = settings;
        this.registration = new ProviderRegistration(settings);
        this.users = new SsoUsers(operators, settings);
        this.outcomes = new SsoOutcomes(events, settings.displayName());
    }

    /** "Sign in with …", the button's words. */
    public String buttonLabel() {
        return "Sign in with " + settings.displayName();
    }

    /** Adds the OpenID Connect sign-in beside the password form: the same sign-in page, the same landing pages. */
    public void apply(HttpSecurity http) throws Exception {
        http.oauth2Login(login -> login.loginPage("/login").clientRegistrationRepository(registration)
                        .userInfoEndpoint(info -> info.oidcUserService(users))
                        .successHandler(outcomes).failureHandler(outcomes))
                .addFilterBefore(new ProviderDown(), OAuth2AuthorizationRequestRedirectFilter.class);
    }

    /** A provider that cannot be reached gets a page that says so and points to the password, not an error 500. */
    private final class ProviderDown extends OncePerRequestFilter {

        private final RequestMatcher start = PathPatternRequestMatcher.withDefaults().matcher(START);

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (!start.matches(request) || registration.load().isPresent()) {
                chain.doFilter(request, response);
                return;
            }
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setContentType("text/html;charset=UTF-8");
            response.getOutputStream().write(("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<title>Sign-in unavailable</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body>"
                    + "<main><h1>" + HtmlUtils.htmlEscape(settings.displayName()) + " cannot be reached</h1>"
                    + "<p role=\"alert\">Try again in a moment, or sign in with your password.</p>"
                    + "<p><a href=\"/login\">Back to sign-in</a></p></main></body></html>")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
