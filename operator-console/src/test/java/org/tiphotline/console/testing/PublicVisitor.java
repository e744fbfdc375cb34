package org.tiphotline.console.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Someone on the public online form, not signed in: keeps the session cookie, takes the CSRF token from
 * {@code GET /api/public/form} as the page does, and sends reports. Each visitor may come from its own loopback
 * address (127.0.0.x), so rate-limit tests do not share a window with the others.
 */
public final class PublicVisitor {

    public record Answer(int status, JsonNode body, HttpHeaders headers, String text) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http;
    private String csrfHeader;
    private String csrfToken;

    public PublicVisitor(String base, String loopbackAddress) {
        this.base = base;
        try {
            this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .localAddress(InetAddress.getByName(loopbackAddress))
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens the form: the definition, and the session's CSRF token kept for later posts. */
    public JsonNode openForm() {
        Answer form = get("/api/public/form");
        if (form.status() != 200) {
            throw new IllegalStateException("the public form answered " + form.status());
        }
        csrfHeader = form.body().get("csrf").get("header").asString();
        csrfToken = form.body().get("csrf").get("token").asString();
        return form.body();
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET());
    }

    /** Posts JSON with the CSRF token, as the page does. */
    public Answer post(String path, Object body) {
        return postRaw(path, JSON.writeValueAsString(body), true);
    }

    /** Posts JSON with the CSRF token and more headers (an Idempotency-Key). */
    public Answer postWith(String path, Object body, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header(csrfHeader, csrfToken).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        headers.forEach(request::header);
        return send(request);
    }

    public Answer postRaw(String path, String body, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (withToken) {
            request.header(csrfHeader, csrfToken);
        }
        return send(request);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            JsonNode json = body == null || !(body.strip().startsWith("{") || body.strip().startsWith("["))
                    ? null : JSON.readTree(body);
            return new Answer(r.statusCode(), json, r.headers(), body);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
