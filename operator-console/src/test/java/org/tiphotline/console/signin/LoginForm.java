package org.tiphotline.console.signin;

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
 * One browser at the sign-in form over real HTTP, that sees every answer as it is (ConsoleClient gives up on a
 * failed sign-in). Keeps its session cookie itself, so a {@code Secure} cookie (production's setting) still comes
 * back over the tests' plain loopback HTTP; follows no redirect.
 */
public final class LoginForm {

    public record Answer(int status, String location, String retryAfter, String body, long nanos) {}

    private final String base;
    private final HttpClient http;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    private String session;
    private String csrf;

    public LoginForm(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A header sent with every request from now on (a proxy's X-Forwarded-Proto, say). */
    LoginForm with(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The last Set-Cookie of the session cookie as the server wrote it. */
    String lastSessionCookieHeader;

    public Answer signIn(String username, String password) {
        String page = get("/login").body();
        Matcher m = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the login page");
        }
        csrf = m.group(1);
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
        long start = System.nanoTime();
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        long nanos = System.nanoTime() - start;
        return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null),
                r.headers().firstValue("Retry-After").orElse(null), r.body(), nanos);
    }

    /** The sign-in page shown after a failure, with the message it carries. */
    String errorPage() {
        return get("/login?error").body();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET().build());
    }

    HttpResponse<String> getJson(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET()
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
        headers.forEach(builder::header);
        if (session != null) {
            builder.header("Cookie", "JSESSIONID=" + session);
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                if (cookie.startsWith("JSESSIONID=")) {
                    lastSessionCookieHeader = cookie;
                    session = cookie.substring("JSESSIONID=".length(), cookie.indexOf(';'));
                }
            }
            return response;
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
