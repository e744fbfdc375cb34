package org.tiphotline.console.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raw HTTP to the running application as a signed-in session (its cookie and CSRF token) or as nobody: any method,
 * any bytes. A refused or reset connection is an answer of -1, which the properties treat as a failure like a 5xx.
 */
final class FuzzHttp {

    record Answer(int status, String body) {}

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final Map<String, String> headers;
    private final HttpClient http;
    private final Duration timeout;

    FuzzHttp(String base, Map<String, String> headers, HttpClient http) {
        this(base, headers, http, Duration.ofSeconds(30));
    }

    /** {@code timeout}: how long an answer may take before it counts as none (-1). */
    FuzzHttp(String base, Map<String, String> headers, HttpClient http, Duration timeout) {
        this.base = base;
        this.headers = headers;
        this.http = http;
        this.timeout = timeout;
    }

    static FuzzHttp session(String base, String sessionCookie, String csrfHeader, String csrfToken) {
        return new FuzzHttp(base, Map.of("Cookie", "JSESSIONID=" + sessionCookie, csrfHeader, csrfToken),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** As above, connecting and answering within {@code timeout}. */
    static FuzzHttp session(String base, String sessionCookie, String csrfHeader, String csrfToken,
            Duration timeout) {
        return new FuzzHttp(base, Map.of("Cookie", "JSESSIONID=" + sessionCookie, csrfHeader, csrfToken),
                HttpClient.newBuilder().connectTimeout(timeout).build(), timeout);
    }

    static byte[] json(Object value) {
        return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    }

    Answer send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + path));
        } catch (IllegalArgumentException e) {
            // A path no client could send (the generator made an invalid URI): not an input the server sees.
            return null;
        }
        request.timeout(timeout).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A path segment as a browser would encode it, so unusual names reach the server rather than the client. */
    static String segment(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
