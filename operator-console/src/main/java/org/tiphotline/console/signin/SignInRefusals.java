package org.tiphotline.console.signin;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

/**
 * A failed sign-in goes back to the form with Spring's one message for a wrong password and an unknown name alike;
 * a throttled try is answered 429 with Retry-After and a page that says how long to wait.
 */
public final class SignInRefusals implements AuthenticationFailureHandler {

    private final AuthenticationFailureHandler wrong = new SimpleUrlAuthenticationFailureHandler("/login?error");

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException, ServletException {
        if (!(exception instanceof SignInThrottled throttled)) {
            wrong.onAuthenticationFailure(request, response, exception);
            return;
        }
        response.setStatus(429);
        response.setHeader("Retry-After", Long.toString(throttled.seconds()));
        response.setContentType("text/html;charset=UTF-8");
        response.getOutputStream().write(("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Please wait</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><main>"
                + "<h1>Please wait before signing in again</h1><p role=\"alert\">" + throttled.getMessage()
                + "</p><p><a href=\"/login\">Back to sign-in</a></p></main></body></html>")
                .getBytes(StandardCharsets.UTF_8));
    }
}
