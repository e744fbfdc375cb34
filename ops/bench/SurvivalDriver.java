import java.io.IOException;
import java.io.PrintWriter;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of the survival runs (ops/bench/survive-*.sh), JDK only so that it runs as a single source
 * file next to the packaged jar, with no test classpath: operators sign in, go available over the real STOMP
 * channel (presence has no REST endpoint), take the calls that ring at them and type into their drafts; every
 * field save is written to a log before it is sent and again when the server acknowledged it, so a checker can
 * tell what the server promised from what was merely in flight when it died.
 *
 * <pre>
 *   java SurvivalDriver.java drive  BASE OUT CALLS user:password[,...] [MAX_FAILURES [PLACE_EVERY_MS]]
 *   java SurvivalDriver.java verify BASE OUT [restarted|running]
 * </pre>
 *
 * The driver stops typing when OUT/stop appears or after MAX_FAILURES saves in a row got no answer or a 5xx
 * (3 by default: the server was killed). With PLACE_EVERY_MS it also keeps placing calls until stopped.
 * "verify restarted" expects every call closed by reconciliation (the simulated line lost them all);
 * "verify running" expects the records of calls to agree with what the simulated line still carries.
 * Fake data only.
 */
public class SurvivalDriver {

    /** Fields typed in rotation: personal (encrypted) text of different sizes and one typed column. */
    static final List<String> FIELDS = List.of("victimDetails", "traffickerInfo", "contactFirstName",
            "peopleInvolved", "exploitationDescription");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "drive" -> drive(args[1], Path.of(args[2]), Integer.parseInt(args[3]), args[4].split(","),
                    args.length > 5 ? Integer.parseInt(args[5]) : 3, args.length > 6 ? Integer.parseInt(args[6]) : 0);
            case "verify" -> System.exit(verify(args[1], Path.of(args[2]),
                    args.length < 4 || args[3].equals("restarted")) ? 0 : 1);
            default -> throw new IllegalArgumentException("drive or verify");
        }
    }

    // ---------------------------------------------------------------------------------------------- drive

    static void drive(String base, Path out, int calls, String[] accounts, int maxFailures, int placeEveryMs)
            throws Exception {
        Log log = new Log(out.resolve("saves.log"));
        List<Console> operators = new ArrayList<>();
        List<WebSocket> channels = new ArrayList<>();
        for (String account : accounts) {
            String[] up = account.split(":");
            Console operator = Console.login(base, up[0], up[1]);
            channels.add(operator.available());
            operators.add(operator);
        }
        for (Console operator : operators) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"AVAILABLE".equals(operator.me().get("presence"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(operator.username + " did not become available");
                }
                Thread.sleep(100);
            }
        }
        // Calls in every live state: a fifth stays in the IVR, the rest queue; as many as there are operators
        // ring and are answered, the others wait in the queue.
        PrintWriter placed = new PrintWriter(Files.newBufferedWriter(out.resolve("calls.log")), true);
        Console placer = operators.get(0);
        for (int i = 0; i < calls; i++) {
            if (!place(placer, placed, i)) {
                throw new IllegalStateException("placing a call was refused before anything was disturbed");
            }
        }
        AtomicInteger typing = new AtomicInteger();
        List<Thread> loops = new ArrayList<>();
        if (placeEveryMs > 0) {
            // Callers keep calling while the database is away: a call the line accepted (201) must have a record.
            loops.add(Thread.ofPlatform().start(() -> {
                for (int i = calls; !Files.exists(out.resolve("stop")); i++) {
                    try {
                        place(placer, placed, i);
                        Thread.sleep(placeEveryMs);
                    } catch (Exception e) {
                        System.err.println("placing: " + e);
                    }
                }
            }));
        }
        for (Console operator : operators) {
            loops.add(Thread.ofPlatform().start(() -> {
                try {
                    type(operator, out, log, typing, operators.size(), maxFailures);
                } catch (Exception e) {
                    System.err.println(operator.username + ": " + e);
                }
            }));
        }
        for (Thread loop : loops) {
            loop.join();
        }
        log.close();
        placed.close();
        channels.forEach(WebSocket::abort);
    }

    /** One simulated call (a fifth stay in the IVR); logged only when the line accepted it. */
    static boolean place(Console placer, PrintWriter placed, int i) throws IOException, InterruptedException {
        String body = Json.write(Map.of("callerNumber", String.format("+1 555 0100 %03d", i % 100),
                "language", "en", "immediateDanger", i % 2 == 0 ? "NO" : "NO_INPUT", "callerType", "SOMEONE_ELSE",
                "stayInIvr", i % 5 == 4));
        HttpResponse<String> r = placer.send("POST", "/api/sim/calls", body);
        if (r.statusCode() != 201) {
            System.err.println("a call was refused: HTTP " + r.statusCode());
            return false;
        }
        Map<?, ?> call = (Map<?, ?>) Json.parse(r.body());
        synchronized (placed) {
            placed.println(call.get("providerCallId") + " " + call.get("call"));
        }
        return true;
    }

    /** One operator: answer the call ringing here, then type into its draft until told to stop or cut off. */
    static void type(Console operator, Path out, Log log, AtomicInteger typing, int operators, int maxFailures)
            throws Exception {
        long me = ((Number) operator.me().get("id")).longValue();
        String providerCallId = null;
        String callId = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (providerCallId == null) {
            for (Object o : (List<?>) Json.parse(operator.send("GET", "/api/sim/calls", null).body())) {
                Map<?, ?> c = (Map<?, ?>) o;
                if ("RINGING".equals(c.get("status")) && c.get("ringingAt") instanceof Number n
                        && n.longValue() == me) {
                    providerCallId = (String) c.get("providerCallId");
                    callId = (String) c.get("call");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no call rang at " + operator.username);
            }
            Thread.sleep(100);
        }
        HttpResponse<String> answered = operator.send("POST", "/api/sim/calls/" + providerCallId + "/answer", null);
        if (answered.statusCode() != 204) {
            throw new IllegalStateException("answer: " + answered.statusCode() + " " + answered.body());
        }
        String report = null;
        for (Object o : (List<?>) Json.parse(operator.send("GET", "/api/reports/drafts", null).body())) {
            Map<?, ?> d = (Map<?, ?>) o;
            if (callId.equals(d.get("call"))) {
                report = (String) d.get("report");
            }
        }
        if (report == null) {
            throw new IllegalStateException("no draft for the answered call " + callId);
        }
        int seq = 0;
        int acked = 0;
        int failures = 0;
        boolean counted = false;
        while (!Files.exists(out.resolve("stop")) && failures < maxFailures) {
            String field = FIELDS.get(seq % FIELDS.size());
            Object value = field.equals("peopleInvolved") ? 1 + seq % 999
                    : "Testfirst Fakename said " + operator.username + " #" + seq;
            seq++;
            log.line("SENT", report, field, value);
            try {
                HttpResponse<String> r = operator.send("PUT", "/api/reports/" + report + "/fields/" + field,
                        Json.write(Map.of("value", value)));
                log.line(r.statusCode() == 200 ? "ACK" : "REFUSED" + r.statusCode(), report, field, value);
                failures = r.statusCode() >= 500 ? failures + 1 : 0;
                if (r.statusCode() == 200 && ++acked == 5 && !counted) {
                    counted = true;
                    if (typing.incrementAndGet() == operators) {
                        Files.writeString(out.resolve("typing"), "all operators are typing\n");
                    }
                }
            } catch (IOException e) {
                // The server is gone: this save may or may not have been committed; the log says SENT only.
                log.line("NOANSWER", report, field, value);
                failures++;
                Thread.sleep(200);
            }
        }
    }

    /** Saves in order, flushed line by line: "SENT|ACK|... report field value". */
    static final class Log implements AutoCloseable {
        private final PrintWriter out;

        Log(Path file) throws IOException {
            out = new PrintWriter(Files.newBufferedWriter(file), true);
        }

        synchronized void line(String what, String report, String field, Object value) {
            out.println(what + "\t" + report + "\t" + field + "\t" + value);
        }

        @Override
        public synchronized void close() {
            out.close();
        }
    }

    // --------------------------------------------------------------------------------------------- verify

    /**
     * The rule for a field typed several times: the stored value must be the last value the server acknowledged
     * for it, or a value sent after that one whose answer never came (the server may have committed it just
     * before dying, and the operator's console would send it again). Anything else lost an acknowledged save.
     */
    static boolean verify(String base, Path out, boolean restarted) throws Exception {
        Console supervisor = Console.login(base, "supervisor", "supervisor-demo");
        List<String> placedCalls = Files.readAllLines(out.resolve("calls.log"));
        // What the line says of each call it carries, in the record's words: a call the line has queued but
        // whose record still says IVR would never be offered to anyone.
        Map<String, String> carried = new java.util.HashMap<>();
        for (Object o : (List<?>) Json.parse(supervisor.send("GET", "/api/sim/calls", null).body())) {
            Map<?, ?> c = (Map<?, ?>) o;
            carried.put((String) c.get("providerCallId"), switch ((String) c.get("status")) {
                case "WAITING" -> "QUEUED";
                default -> (String) c.get("status");
            });
        }
        int records = 0;
        int live = 0;
        int disagree = 0;
        for (String line : placedCalls) {
            String callId = line.split(" ")[1];
            HttpResponse<String> r = supervisor.send("GET", "/api/calllog/" + callId, null);
            if (r.statusCode() == 200) {
                records++;
                Map<?, ?> summary = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("summary");
                live += "ENDED".equals(summary.get("state")) ? 0 : 1;
                String atLine = carried.getOrDefault(line.split(" ")[0], "ENDED");
                if (!atLine.equals(summary.get("state"))) {
                    disagree++;
                    System.out.println("DISAGREE " + line + ": record " + summary.get("state") + ", line " + atLine);
                }
            } else {
                System.out.println("NO RECORD " + line + ": HTTP " + r.statusCode());
            }
        }
        // Calls the line carries that the driver never saw accepted (refused with a 5xx after their arrival was
        // recorded): the caller is still on the line, so they need a record that agrees too.
        java.util.Set<String> seen = new java.util.HashSet<>();
        placedCalls.forEach(line -> seen.add(line.split(" ")[0]));
        int unacknowledgedCarried = 0;
        for (Object o : (List<?>) Json.parse(supervisor.send("GET", "/api/sim/calls", null).body())) {
            Map<?, ?> c = (Map<?, ?>) o;
            if (seen.contains((String) c.get("providerCallId"))) {
                continue;
            }
            unacknowledgedCarried++;
            HttpResponse<String> r = supervisor.send("GET", "/api/calllog/" + c.get("call"), null);
            Object state = r.statusCode() == 200
                    ? ((Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("summary")).get("state") : "NO RECORD";
            if (!carried.get((String) c.get("providerCallId")).equals(state)) {
                disagree++;
                System.out.println("DISAGREE " + c.get("providerCallId") + " (placing it was refused): record "
                        + state + ", line " + carried.get((String) c.get("providerCallId")));
            }
        }
        int simCarries = carried.size();

        // Per report and field: the last acknowledged value and what was sent after it without an answer.
        Map<String, Map<String, String>> lastAck = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> laterUnacked = new LinkedHashMap<>();
        int acks = 0;
        int sent = 0;
        for (String line : Files.readAllLines(out.resolve("saves.log"))) {
            String[] p = line.split("\t", 4);
            String key = p[2];
            switch (p[0]) {
                case "SENT" -> {
                    sent++;
                    laterUnacked.computeIfAbsent(p[1], k -> new LinkedHashMap<>())
                            .computeIfAbsent(key, k -> new ArrayList<>()).add(p[3]);
                }
                case "ACK" -> {
                    acks++;
                    lastAck.computeIfAbsent(p[1], k -> new LinkedHashMap<>()).put(key, p[3]);
                    laterUnacked.get(p[1]).get(key).clear();
                }
                default -> {
                    // A refused save was answered and not stored: it cannot explain the stored value.
                    List<String> pending = laterUnacked.get(p[1]).get(key);
                    if (p[0].startsWith("REFUSED")) {
                        pending.remove(pending.size() - 1);
                    }
                }
            }
        }
        int fields = 0;
        int lost = 0;
        int overwrittenInFlight = 0;
        for (var report : lastAck.entrySet()) {
            HttpResponse<String> r = supervisor.send("GET", "/api/reports/" + report.getKey(), null);
            if (r.statusCode() != 200) {
                System.out.println("LOST report " + report.getKey() + ": HTTP " + r.statusCode());
                lost += report.getValue().size();
                continue;
            }
            Map<?, ?> values = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("report"))
                    .get("values");
            for (var field : report.getValue().entrySet()) {
                fields++;
                Object stored = values.get(field.getKey());
                String storedText = stored instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(stored);
                List<String> inFlight = laterUnacked.get(report.getKey()).get(field.getKey());
                if (storedText.equals(field.getValue())) {
                    continue;
                }
                if (inFlight.contains(storedText)) {
                    overwrittenInFlight++;
                    continue;
                }
                lost++;
                System.out.println("LOST " + report.getKey() + " " + field.getKey() + ": acknowledged '"
                        + field.getValue() + "', stored '" + storedText + "'");
            }
        }
        boolean reconciled = restarted ? live == 0 && simCarries == 0 : disagree == 0;
        boolean pass = records == placedCalls.size() && reconciled && lost == 0 && acks > 0;
        System.out.printf("calls placed %d, call records %d (missing %d), %s %d, live at the simulated line %d"
                        + " (%d of them refused when placed), records disagreeing with the line %d%n",
                placedCalls.size(), records, placedCalls.size() - records,
                restarted ? "still live after reconciliation" : "live records", live, simCarries,
                unacknowledgedCarried, disagree);
        System.out.printf("saves sent %d, acknowledged %d, drafts %d, fields checked %d, acknowledged values lost %d,"
                + " stored value from a later unanswered save %d%n", sent, acks, lastAck.size(), fields, lost,
                overwrittenInFlight);
        System.out.println(pass ? "PASS" : "FAIL");
        return pass;
    }

    // ------------------------------------------------------------------------------------------ the console

    /** A signed-in user over HTTP, as the browser is: session cookie, CSRF token from /api/me. */
    static final class Console {
        final String base;
        final String username;
        final HttpClient http;
        final CookieManager cookies = new CookieManager();
        String csrfHeader;
        String csrfToken;

        private Console(String base, String username) {
            this.base = base;
            this.username = username;
            this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }

        static Console login(String base, String username, String password) throws Exception {
            Console c = new Console(base, username);
            String page = c.http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(page);
            if (!m.find()) {
                throw new IllegalStateException("no CSRF token on the login page");
            }
            String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(m.group(1));
            HttpResponse<String> r = c.http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 302 || r.headers().firstValue("Location").orElse("").contains("error")) {
                throw new IllegalStateException("login failed for " + username);
            }
            Map<?, ?> csrf = (Map<?, ?>) c.me().get("csrf");
            c.csrfHeader = (String) csrf.get("header");
            c.csrfToken = (String) csrf.get("token");
            return c;
        }

        Map<?, ?> me() throws Exception {
            return (Map<?, ?>) Json.parse(send("GET", "/api/me", null).body());
        }

        HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    // Longer than the pool's 30 s wait for a connection: like the console, one save in flight per draft.
                    .timeout(Duration.ofSeconds(60));
            if (csrfHeader != null) {
                b.header(csrfHeader, csrfToken);
            }
            if (json != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Opens the console's STOMP channel and says "available"; the channel must stay open to stay so. */
        WebSocket available() throws Exception {
            String session = cookies.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals("JSESSIONID")).map(HttpCookie::getValue).findFirst().orElseThrow();
            CompletableFuture<Void> connected = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Cookie", "JSESSIONID=" + session).header("Origin", base)
                    .buildAsync(URI.create(base.replace("http://", "ws://") + "/ws"), new WebSocket.Listener() {
                        final StringBuilder frame = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            frame.append(data);
                            if (last) {
                                if (frame.toString().startsWith("CONNECTED")) {
                                    connected.complete(null);
                                } else if (frame.toString().startsWith("ERROR")) {
                                    connected.completeExceptionally(new IllegalStateException(frame.toString()));
                                }
                                frame.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\nhost:localhost\n" + csrfHeader + ":" + csrfToken
                    + "\n\n\0", true).get(5, TimeUnit.SECONDS);
            connected.get(10, TimeUnit.SECONDS);
            ws.sendText("SEND\ndestination:/app/presence\ncontent-type:application/json\n\n{\"presence\":\"AVAILABLE\"}\0",
                    true).get(5, TimeUnit.SECONDS);
            return ws;
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------------------- just enough JSON

    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != j.s.length()) {
                throw new IllegalArgumentException("trailing JSON at " + j.i);
            }
            return v;
        }

        static String write(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof String str) {
                StringBuilder b = new StringBuilder("\"");
                for (char c : str.toCharArray()) {
                    switch (c) {
                        case '"' -> b.append("\\\"");
                        case '\\' -> b.append("\\\\");
                        default -> {
                            if (c < 0x20) {
                                b.append(String.format("\\u%04x", (int) c));
                            } else {
                                b.append(c);
                            }
                        }
                    }
                }
                return b.append('"').toString();
            }
            if (v instanceof Map<?, ?> m) {
                StringBuilder b = new StringBuilder("{");
                m.forEach((k, val) -> b.append(b.length() > 1 ? "," : "").append(write(k.toString())).append(':')
                        .append(write(val)));
                return b.append('}').toString();
            }
            return v.toString();
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    i++; // ':'
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return false;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n)
                    : (Object) Long.parseLong(n);
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }
}
