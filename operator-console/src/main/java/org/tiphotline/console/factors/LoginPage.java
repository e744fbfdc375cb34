package org.tiphotline.console.factors;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;
import org.tiphotline.console.pages.BrandedPage;
import org.tiphotline.console.sso.SingleSignOn;

/**
 * The sign-in form. Ours rather than Spring Security's generated one so that it can say when no second factor is
 * asked for (the demo), which a newcomer must know is not how a deployment signs in.
 */
@RestController
class LoginPage {

    private final SecondFactorSettings settings;
    private final ObjectProvider<SingleSignOn> singleSignOn;

    LoginPage(SecondFactorSettings settings, ObjectProvider<SingleSignOn> singleSignOn) {
        this.settings = settings;
        this.singleSignOn = singleSignOn;
    }

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    String page(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String notice = settings.requiredRoles().isEmpty()
                ? "<p class=\"notice\" id=\"no-second-factor\">Demo: these accounts sign in with a password only."
                        + " A deployment asks supervisors, data managers and administrators for a second factor"
                        + " (a passkey or an authenticator app).</p>"
                : "";
        String message = request.getParameter("error") != null
                ? "<p class=\"error\" role=\"alert\">Wrong username or password.</p>"
                : request.getParameter("logout") != null ? "<p class=\"notice\">You have signed out.</p>"
                : request.getParameter("ended") != null ? "<p class=\"error\" role=\"alert\" id=\"session-ended\">"
                        + "Your session has ended: you were signed out by an administrator or after a time without"
                        + " activity. Sign in again to go on.</p>" : "";
        // Single sign-on (issue 16, part 7): a plain link, only when switched on; the password form stays beside it.
        String sso = singleSignOn.stream().map(s -> "<p><a class=\"button\" id=\"sso\" href=\"" + SingleSignOn.START
                + "\">" + HtmlUtils.htmlEscape(s.buttonLabel()) + "</a></p>").findFirst().orElse("");
        // The hotline's own frame (issue 17): the same header and card as every page, never Spring's generated form.
        return BrandedPage.of("Sign in", """
                <h2>Sign in</h2>
                %s%s
                <form class="login-form" method="post" action="/login">
                <label for="username">Username</label>
                <input type="text" id="username" name="username" autocomplete="username" required autofocus>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
                <input name="_csrf" type="hidden" value="%s">
                <p><button class="primary" type="submit">Sign in</button></p>
                </form>%s""".formatted(message, notice, csrf.getToken(), sso));
    }
}
