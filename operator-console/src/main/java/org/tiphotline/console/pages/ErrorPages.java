package org.tiphotline.console.pages;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.tiphotline.console.security.RoleLanding;

/**
 * What a refused or missing page shows instead of Spring Boot's "Whitelabel Error Page": the hotline's own page
 * in human words with a link back to one's own page. A request to the API gets JSON whatever it accepts (a
 * script must never parse an HTML page). {@code /error} opened directly describes no error: it is a page that
 * does not exist (404), not a server failure.
 */
@Controller
class ErrorPages implements ErrorController {

    private record Words(String title, String explanation) {}

    @RequestMapping("/error")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : HttpServletResponse.SC_NOT_FOUND;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "" : uri.toString();
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (path.startsWith("/api/") || wantsJson(request)) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            String[] api = apiWords(status);
            response.getWriter().write("{\"error\":\"" + api[0] + "\",\"message\":\"" + api[1]
                    + "\",\"status\":" + status + "}");
            return;
        }
        Words words = words(status);
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        boolean signedIn = who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
        String back = signedIn
                ? "<p><a class=\"button\" id=\"back\" href=\"" + RoleLanding.pageFor(who) + "\">Back to your page</a></p>"
                : "<p><a class=\"button\" id=\"back\" href=\"/login\">Go to the sign-in page</a></p>";
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.getWriter().write(BrandedPage.of(words.title(), "<h2 id=\"error-title\">" + words.title()
                + "</h2>\n<p>" + words.explanation() + "</p>\n" + back));
    }

    private static boolean wantsJson(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("application/json") && !accept.contains("text/html");
    }

    private static Words words(int status) {
        return switch (status) {
            case 401 -> new Words("Please sign in", "This page is for the hotline's staff. Sign in to open it.");
            case 403 -> new Words("You are not allowed to open this page",
                    "Your role does not include this page. If you need it for your work, ask an administrator.");
            case 404, 405 -> new Words("This page does not exist",
                    "The address may be mistyped, or the page has moved.");
            case 413 -> new Words("That was too large to send", "Send something smaller, or in parts.");
            default -> status >= 500
                    ? new Words("Something went wrong on our side",
                            "The hotline could not finish this. Try again in a moment; if it keeps happening, tell "
                                    + "an administrator the time it happened.")
                    : new Words("The request could not be read",
                            "The address or what was sent is not in a form the hotline understands.");
        };
    }

    /** The API's refusal: a code for scripts and a message for people, as ApiErrors writes them. */
    private static String[] apiWords(int status) {
        return switch (status) {
            case 401 -> new String[] {"unauthorized", "sign in first"};
            case 403 -> new String[] {"forbidden", "you are not allowed to do this"};
            case 404 -> new String[] {"not_found", "no such resource"};
            case 405 -> new String[] {"method_not_allowed", "this method is not allowed here"};
            default -> status >= 500 ? new String[] {"server_error", "the server could not finish this request"}
                    : new String[] {"bad_request", "the request could not be read"};
        };
    }
}
