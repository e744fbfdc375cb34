package org.tiphotline.console.sso;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser does in a sign-in through a provider, over plain HTTP: follows every redirect itself (so a test
 * sees where it was sent), keeps cookies per host, and fills in the provider's sign-in form.
 */
public final class SsoBrowser {

    public record Page(int status, URI uri, String body) {}

    /** Where the provider's answer is delivered instead of where it was sent (another node), or null. */
    private URI callbackTo;

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"");

    /** As a browser asks for a page: the provider sends such a request to its sign-in form, others get 401. */
    private static final String PAGE = "text/html,application/xhtml+xml,*/*;q=0.8";

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** GET, then every redirect, until a page answers. */
    public Page open(String url) {
        return follow(send(HttpRequest.newBuilder(URI.create(url)).GET(), PAGE));
    }

    /** GET as the console's scripts call an API: JSON, no redirect followed. */
    public Page api(String url) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET(), "application/json");
        return new Page(r.statusCode(), r.uri(), r.body());
    }

    /**
     * The whole sign-in: the hotline's button, the provider's form with this person's password, and back to the
     * hotline, which answers with the page it lands them on or its refusal.
     */
    public Page signInThroughProvider(String hotline, String name, String password) {
        Page form = open(hotline + SingleSignOn.START);
        if (!form.uri().getPath().equals("/login") || form.uri().getPort() == URI.create(hotline).getPort()) {
            throw new AssertionError("expected the provider's sign-in form, got " + form.uri() + " " + form.status());
        }
        Matcher csrf = CSRF.matcher(form.body());
        if (!csrf.find()) {
            throw new AssertionError("no CSRF token on the provider's sign-in form");
        }
        String body = "username=" + enc(name) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1));
        return follow(send(HttpRequest.newBuilder(form.uri()).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)), PAGE));
    }

    /**
     * From now on the provider's answer (its redirect to the hotline's callback) goes to {@code base} instead: a load
     * balancer that sends it to the other node than the one the sign-in started on.
     */
    public SsoBrowser callbackTo(String base) {
        this.callbackTo = URI.create(base);
        return this;
    }

    private Page follow(HttpResponse<String> response) {
        for (int hops = 0; hops < 12; hops++) {
            if (response.statusCode() / 100 != 3) {
                return new Page(response.statusCode(), response.uri(), response.body());
            }
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            if (callbackTo != null && next.getPath().startsWith("/login/oauth2/code/")) {
                next = callbackTo.resolve(next.getRawPath() + "?" + next.getRawQuery());
            }
            response = send(HttpRequest.newBuilder(next).GET(), PAGE);
        }
        throw new AssertionError("too many redirects, last at " + response.uri());
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String accept) {
        try {
            return http.send(request.header("Accept", accept)
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
