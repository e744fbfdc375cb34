package org.tiphotline.console.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A signed-in user of the console over real HTTP: logs in through the login form, then calls the JSON API. */
public final class ConsoleClient {

    public record Response(int status, JsonNode body) {}

    /** A response read as text with its headers, for downloads (CSV) that are not JSON. */
    public record Text(int status, String body, java.net.http.HttpHeaders headers) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final CookieManager cookies;
    private final HttpClient http;
    private String csrfHeader;
    private String csrfToken;

    private ConsoleClient(String base) {
        this(base, new CookieManager());
    }

    private ConsoleClient(String base, CookieManager cookies) {
        this.base = base;
        this.cookies = cookies;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static ConsoleClient login(String base, String username, String password) {
        ConsoleClient client = new ConsoleClient(base);
        try {
            String page = client.http.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page);
            if (!m.find()) {
                throw new IllegalStateException("no CSRF token on the login page");
            }
            String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(m.group(1));
            HttpResponse<String> login = client.http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            String location = login.headers().firstValue("Location").orElse("");
            if (login.statusCode() != 302 || location.contains("error")) {
                throw new IllegalStateException("login failed for " + username);
            }
            JsonNode me = client.get("/api/me").body();
            client.csrfHeader = me.get("csrf").get("header").asString();
            client.csrfToken = me.get("csrf").get("token").asString();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return client;
    }

    /**
     * The same browser sent to another node of the hotline (a load balancer's choice): the same cookies (one jar, as
     * a browser has: a cookie is not bound to a port, so both nodes on localhost see it) and CSRF token, another
     * address.
     */
    public ConsoleClient onNode(String otherBase) {
        ConsoleClient moved = new ConsoleClient(otherBase, cookies);
        moved.csrfHeader = csrfHeader;
        moved.csrfToken = csrfToken;
        return moved;
    }

    /** Signs out as the console's sign-out button does (a POST with the CSRF token); the response's status. */
    public int signOut() {
        return postWith("/logout", null, java.util.Map.of()).status();
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Text getText(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            NumberWatch.received("GET " + path, r.body());
            return new Text(r.statusCode(), r.body(), r.headers());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public Response post(String path, Object body) {
        watchCallerNumber(path, body);
        return send(json(path, body).method("POST", publisher(body)));
    }

    public Response put(String path, Object body) {
        return send(json(path, body).method("PUT", publisher(body)));
    }

    public Response delete(String path) {
        return send(json(path, null).method("DELETE", publisher(null)));
    }

    /** A caller's number this request puts in (a simulated call's, a recorded contact's) must never come out. */
    private static void watchCallerNumber(String path, Object body) {
        if ((path.equals("/api/sim/calls") || path.equals("/api/offline-contacts"))
                && body instanceof java.util.Map<?, ?> map && map.get("callerNumber") instanceof String number) {
            NumberWatch.callerNumber(number);
        }
    }

    /** A POST (JSON, or bytes) with more headers (an Idempotency-Key), answered as text with its headers. */
    public Text postWith(String path, Object body, java.util.Map<String, String> headers) {
        watchCallerNumber(path, body);
        // Bytes (a document) go as they are, with the Content-Type given in the headers.
        HttpRequest.Builder request = body instanceof byte[] bytes
                ? HttpRequest.newBuilder(URI.create(base + path)).header(csrfHeader, csrfToken)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                : json(path, body).method("POST", publisher(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            NumberWatch.received("POST " + path, r.body());
            return new Text(r.statusCode(), r.body(), r.headers());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a raw body as it is, for tests of malformed and oversized input. */
    public Response postRaw(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header(csrfHeader, csrfToken).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Sends bytes with their own content type (a document upload). */
    public Response postBytes(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .header(csrfHeader, csrfToken).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A GET whose answer is a file: status, headers and bytes as they came. */
    public java.net.http.HttpResponse<byte[]> download(String path) {
        try {
            java.net.http.HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            // An export is a file a person opens: a number in its text is as out as on a page.
            NumberWatch.received("GET " + path, new String(file.body(), StandardCharsets.UTF_8));
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String sessionCookie() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
    }

    /** The session cookie as a Cookie header carries it, whatever the server names it. */
    public String sessionCookieHeader() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("JSESSIONID") || c.getName().equals("SESSION"))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst().orElseThrow();
    }

    public String csrfHeader() {
        return csrfHeader;
    }

    public String csrfToken() {
        return csrfToken;
    }

    public String base() {
        return base;
    }

    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    private HttpRequest.Builder json(String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (csrfToken != null) {
            b.header(csrfHeader, csrfToken);
        }
        return b;
    }

    private static HttpRequest.BodyPublisher publisher(Object body) {
        return body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            NumberWatch.received(r.request().method() + " " + r.request().uri().getPath(), body);
            return new Response(r.statusCode(), body == null || body.isBlank() || !body.strip().startsWith("{")
                    && !body.strip().startsWith("[") ? null : JSON.readTree(body));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
