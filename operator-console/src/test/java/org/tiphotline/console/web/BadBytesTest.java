package org.tiphotline.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bytes no text may hold, where a user meets them (real HTTP to the whole application): a NUL or another control
 * character in any plain-text field of a JSON body is a 400 naming the field, the database is exactly as before,
 * and nothing is logged as a failure; a malformed Origin on the live channel's handshake is refused like a foreign
 * one; an agency reporter who sends screening forms too fast is told when they may send again.
 */
class BadBytesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path data;

    static RunningHotline hotline;
    static ConsoleClient leader;
    static ConsoleClient reporter;
    static String firstCase;
    static String secondCase;
    static String secondCaseReport;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() {
        // A small limit, so the rate limit is reached by a test; the two fixtures below use two of its five.
        hotline = RunningHotline.start(data, Map.of("hotline.screening.submissions-per-user", "5",
                "hotline.screening.window", "1h"));
        reporter = ConsoleClient.login(hotline.base(), "reporter", "reporter-demo");
        for (int i = 0; i < 2; i++) {
            assertThat(reporter.post("/api/screenings", Map.of("situation", "POTENTIAL")).status()).isEqualTo(201);
        }
        leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        JsonNode cases = leader.get("/api/cases").body();
        firstCase = cases.get(0).get("id").asString();
        secondCase = cases.get(1).get("id").asString();
        secondCaseReport = leader.get("/api/cases/" + secondCase).body().get("case").get("sources").get(0)
                .get("report").asString();
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    @BeforeEach
    void listen() {
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterEach
    void unlisten() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }

    /** One request whose every text field is tried in turn with each bad character. */
    private record Probe(ConsoleClient as, String path, Map<String, Object> body) {}

    @Test
    void aControlCharacterInAnyTextFieldIsA400NamingTheFieldAndStoresNothing() {
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String cases = "/api/cases/" + firstCase;
        List<Probe> probes = List.of(
                new Probe(leader, cases + "/relate", Map.of("other", secondCase, "reason", "the same test site")),
                new Probe(leader, cases + "/assign", Map.of("to", "datamanager")),
                new Probe(leader, cases + "/status", Map.of("status", "UNDER_ASSESSMENT", "note", "test note")),
                new Probe(leader, cases + "/merge", Map.of("into", secondCase, "note", "the same test case")),
                new Probe(leader, "/api/cases/" + secondCase + "/sources/" + secondCaseReport + "/move",
                        Map.of("to", firstCase, "note", "about the other test case")),
                new Probe(leader, cases + "/consent", Map.of("question", "1.1", "answer", true,
                        "askedBy", "Testasker Fakename", "askedOn", LocalDate.now().toString())),
                new Probe(leader, "/api/exports/requests", Map.of("cases", List.of(firstCase),
                        "purpose", "a test purpose", "recipient", "a test recipient")),
                new Probe(admin, "/api/admin/users", Map.of("username", "testbytes", "displayName",
                        "Testbytes Fakename", "role", "OPERATOR", "languages", List.of("en"),
                        "endpoint", "PJSIP/201")),
                new Probe(operator, "/api/account/password", Map.of("current", "operator-demo",
                        "next", "a long enough test passphrase")),
                new Probe(operator, "/api/sim/calls", Map.of("callerNumber", "+1 555 0100 042", "language", "en")));
        List<String> wrong = new ArrayList<>();
        for (Probe probe : probes) {
            for (String field : probe.body().keySet()) {
                for (String bad : List.of("\u0000", "\u0007", "\u001b")) {
                    Map<String, Object> body = new LinkedHashMap<>(probe.body());
                    Object sent = body.get(field) instanceof List<?> l ? List.of(l.get(0) + bad)
                            : body.get(field) instanceof String s ? s.substring(0, 1) + bad + s.substring(1) : null;
                    if (sent == null) {
                        continue;
                    }
                    body.put(field, sent);
                    String before = fingerprint();
                    int logged = failuresLogged();
                    ConsoleClient.Response answer = probe.as().post(probe.path(), body);
                    String where = probe.path() + " " + field + " with U+" + String.format("%04X", (int) bad.charAt(0));
                    if (answer.status() != 400) {
                        wrong.add(where + ": " + answer.status() + " " + answer.body());
                        continue;
                    }
                    String message = answer.body().get("message").asString();
                    if (!message.contains("'" + field) || !message.contains("control character")
                            || answer.body().get("fields") == null || !answer.body().get("fields").propertyNames()
                                    .stream().anyMatch(f -> f.startsWith(field))) {
                        wrong.add(where + ": the answer does not name the field and the fault: " + answer.body());
                    }
                    if (!fingerprint().equals(before)) {
                        wrong.add(where + ": the database changed");
                    }
                    if (failuresLogged() != logged) {
                        wrong.add(where + ": logged as a failure");
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Found by the fuzz: {@code "languages": [null]} was a 500. A null item of a list of texts is named instead. */
    @Test
    void aNullInAListOfTextsIsA400NamingTheItem() {
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        Map<String, Object> user = new LinkedHashMap<>(Map.of("username", "testnullitem", "displayName",
                "Testnull Fakename", "role", "OPERATOR"));
        user.put("languages", java.util.Arrays.asList("en", null));
        Map<String, Object> export = new LinkedHashMap<>(Map.of("purpose", "a test purpose", "recipient",
                "a test recipient"));
        export.put("cases", java.util.Arrays.asList((String) null));
        String before = fingerprint();
        int logged = failuresLogged();
        for (Object[] probe : new Object[][] {{admin, "/api/admin/users", user, "languages[1]"},
                {leader, "/api/exports/requests", export, "cases[0]"}}) {
            ConsoleClient.Response answer = ((ConsoleClient) probe[0]).post((String) probe[1], probe[2]);
            assertThat(answer.status()).as("%s", probe[1]).isEqualTo(400);
            assertThat(answer.body().get("message").asString()).contains("'" + probe[3] + "'").contains("null");
        }
        assertThat(fingerprint()).isEqualTo(before);
        assertThat(failuresLogged()).isEqualTo(logged);
    }

    /** The same bytes in a query parameter: a 400 naming the parameter, never a 500 or a stack trace. */
    @Test
    void aControlCharacterInAQueryParameterIsA400NamingIt() {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        List<String> wrong = new ArrayList<>();
        for (Object[] probe : new Object[][] {{leader, "/api/cases?reference="}, {leader, "/api/cases?status="},
                {supervisor, "/api/calllog?caller="}, {supervisor, "/api/calllog?cursor="},
                {admin, "/api/admin/users?text="}, {admin, "/api/admin/users?role="},
                {leader, "/api/exports/htcds?from=2026-01-01&to=2026-12-31&status="},
                {leader, "/api/exports/htcds?from=2026-01-01&to=2026-12-31&format="}}) {
            String path = (String) probe[1];
            String parameter = path.substring(path.lastIndexOf(path.contains("&") ? '&' : '?') + 1,
                    path.length() - 1);
            for (String bad : List.of("%00", "C-2026%00", "%07x", "x%1B")) {
                int logged = failuresLogged();
                ConsoleClient.Text answer = ((ConsoleClient) probe[0]).getText(path + bad);
                if (answer.status() != 400 || !answer.body().contains("parameter '" + parameter + "' contains a "
                        + "control character") || failuresLogged() != logged) {
                    wrong.add(path + bad + ": " + answer.status() + " " + answer.body()
                            + (failuresLogged() != logged ? ", logged" : ""));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aMalformedOriginOnTheLiveChannelIsRefusedWithoutAFailure() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(handshake(operator, hotline.base())).as("the console's own origin").isEqualTo(101);
        List<String> wrong = new ArrayList<>();
        for (String origin : List.of("http://[::1", "http://exa mple.org", "http://localhost:99999", "http://:80",
                "://", "%zz", "http://local%host", "http://localhost:port", "null", "http://evil.example")) {
            int logged = failuresLogged();
            int status = handshake(operator, origin);
            if (status != 403) {
                wrong.add("Origin " + origin + ": " + status);
            }
            if (failuresLogged() != logged) {
                wrong.add("Origin " + origin + ": logged as a failure");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aReporterSendingTooFastIsToldWhenTheyMaySendAgainAndOthersAreNotHeldUp() throws Exception {
        // Refused forms do not count: a reporter correcting a mistake is not slowed down.
        for (int i = 0; i < 3; i++) {
            assertThat(reporter.post("/api/screenings", Map.of("victimAge", "old")).status()).isEqualTo(400);
        }
        int accepted = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> r = screening(reporter);
            if (r.statusCode() == 201) {
                accepted++;
            } else {
                refused = r;
            }
        }
        // Five per window, two spent by the fixtures (test order does not matter: both run before this one).
        assertThat(accepted).isEqualTo(3);
        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(3000L, 3600L);
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.get("message").asString()).contains("screening forms").contains("may send again in")
                .contains("minutes").contains(" at ");
        assertThat(body.get("retryAfterSeconds").asLong()).isEqualTo(retryAfter);
        long casesBefore = leader.get("/api/cases").body().size();
        assertThat(screening(reporter).statusCode()).isEqualTo(429);
        assertThat(leader.get("/api/cases").body().size()).isEqualTo(casesBefore);

        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        ConsoleClient.Response created = admin.post("/api/admin/users", Map.of("username", "reporter2",
                "displayName", "Testreporter Fakename", "role", "AGENCY_REPORTER", "languages", List.of("en")));
        assertThat(created.status()).isEqualTo(201);
        ConsoleClient other = ConsoleClient.login(hotline.base(), "reporter2",
                created.body().get("oneTimePassword").asString());
        assertThat(other.post("/api/account/password", Map.of("current", created.body().get("oneTimePassword")
                .asString(), "next", "a long enough test passphrase")).status()).isIn(200, 204);
        assertThat(screening(other).statusCode()).as("another reporter's own limit").isEqualTo(201);
    }

    private static HttpResponse<String> screening(ConsoleClient who) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hotline.base() + "/api/screenings"))
                .header("Cookie", "JSESSIONID=" + who.sessionCookie()).header(who.csrfHeader(), who.csrfToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"situation\":\"POTENTIAL\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A WebSocket handshake written byte for byte, so any Origin can be sent; the answer's status code. */
    private static int handshake(ConsoleClient who, String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", hotline.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: localhost:" + hotline.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nCookie: JSESSIONID=" + who.sessionCookie() + "\r\nOrigin: "
                    + origin + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }

    /** Events at ERROR, or with a stack trace at any level: what an administrator would take for a fault. */
    private int failuresLogged() {
        return (int) log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                || e.getThrowableProxy() != null).count();
    }

    /**
     * Every row of the schema but sign-in events, the HTTP sessions (every request writes its session's last
     * access there) and the audit chain's (the sealer links earlier audit rows in the background, whatever a request
     * does; a new audit row itself is in audit_log), as one hash: equal before and after means nothing was stored.
     */
    private static String fingerprint() {
        DSLContext db = hotline.bean(DSLContext.class);
        StringBuilder all = new StringBuilder();
        for (var table : db.fetch("select table_name from information_schema.tables where table_schema = 'hotline'"
                + " and table_type = 'BASE TABLE' and table_name not in ('sign_in_event', 'flyway_schema_history',"
                + " 'spring_session', 'spring_session_attributes', 'audit_seal', 'audit_unsealed')"
                + " order by table_name")) {
            String name = table.get(0, String.class);
            all.append(name).append('=').append(db.fetchValue("select md5(coalesce(string_agg(t::text, '|' order by"
                    + " t::text), '')) from hotline." + name + " t")).append(';');
        }
        return all.toString();
    }
}
