package org.tiphotline.console.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.tiphotline.console.fuzz.MappedEndpoints.Endpoint;
import org.tiphotline.console.fuzz.MappedEndpoints.Kind;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestDirectory;
import tools.jackson.databind.JsonNode;

/**
 * NUL and the other control characters in every text field of every POST, PUT and PATCH endpoint with a JSON or
 * form body ({@link MappedEndpoints}: read from Spring's mappings, so a new endpoint is in without anyone adding
 * it), over real HTTP to one running application, as users the URL rules let through. Every answer is a 2xx or a
 * 4xx, never a 5xx or a dropped connection; a 400 says why in words; the stored records keep their rules. Each
 * input is mostly plausible values for its fields (real ids, codes, user names), so the control characters reach
 * as deep as the endpoint goes. Tries: {@code jqwik.tries.default} (a short run in every build; {@code -Pfuzz
 * -Dfuzz.tries=100000} for the campaign).
 */
class EveryEndpointFuzzTest {

    /** One request; {@code hostilePath} when a path segment is not a fixture (Tomcat may refuse it itself). */
    record Input(Endpoint endpoint, String who, String path, String contentType, byte[] body, boolean hostilePath) {
        @Override
        public String toString() {
            String shown = new String(body, StandardCharsets.UTF_8);
            return who + " " + endpoint.method() + " " + path + " " + (shown.length() > 300
                    ? shown.substring(0, 300) + "…(" + body.length + " bytes)" : shown);
        }
    }

    /**
     * How long a connection or an answer may take before it counts as none. Generous: the campaign ran on two cores
     * shared with five other builds (load 13), where a 5 s connect timeout failed on a starved accept, not on us.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static Path data;
    private static RunningHotline hotline;
    private static StoredRecords stored;
    private static final Tally tally = new Tally("every endpoint");
    private static final Map<String, FuzzHttp> sessions = new LinkedHashMap<>();
    private static List<Endpoint> endpoints;
    private static final Map<Endpoint, List<String>> callers = new LinkedHashMap<>();
    /** Values for path variables, by the pattern up to and including the variable. */
    private static final Map<String, List<String>> fixtures = new LinkedHashMap<>();
    /** Values a field of that name takes when the caller means it, so refusals come from the bad bytes alone. */
    private static final Map<String, List<Object>> plausible = new LinkedHashMap<>();
    private static List<String> formFieldNames;

    @BeforeContainer
    static void start() throws Exception {
        data = Files.createTempDirectory("fuzz-endpoints");
        Map<String, String> settings = new LinkedHashMap<>();
        // Alerts go nowhere (a closed loopback port): the escalations themselves are what is fuzzed.
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", "+15550100119",
                "WEBHOOK http://127.0.0.1:9/alerts");
        settings.put("hotline.escalation.links.public-base-url", "https://hotline.example.test");
        settings.put("hotline.escalation.links.secret", "test-only-link-secret-0123456789abcdef");
        settings.put("hotline.online.reports-per-address", "100000000");
        settings.put("hotline.screening.submissions-per-user", "100000000");
        hotline = RunningHotline.start(data, settings);
        stored = new StoredRecords(hotline);

        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
        String report = pop.get("report").asString();
        String call = pop.get("call").asString();
        ConsoleClient reporter = ConsoleClient.login(hotline.base(), "reporter", "reporter-demo");
        for (int i = 0; i < 2; i++) {
            assertThat(reporter.post("/api/screenings", Map.of("situation", "POTENTIAL")).status()).isEqualTo(201);
        }
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        JsonNode cases = leader.get("/api/cases").body();
        String firstCase = cases.get(0).get("id").asString();
        String secondCase = cases.get(1).get("id").asString();
        String firstReference = cases.get(0).get("reference").asString();
        String source = leader.get("/api/cases/" + firstCase).body().get("case").get("sources").get(0).get("report")
                .asString();
        ConsoleClient.Response escalation = operator.post("/api/calls/" + call + "/escalations", Map.of("agency",
                "test-police", "level", "URGENT", "danger", "OTHER", "mode", "ALERT",
                "reason", "Fakereason: a test escalation (fake)"));
        assertThat(escalation.status()).as("escalation fixture: %s", escalation.body()).isIn(200, 201);
        String escalationId = escalation.body().get("id").asString();
        ConsoleClient.Response export = leader.post("/api/exports/requests", Map.of("cases", List.of(
                firstReference), "purpose", "a test purpose (fake)", "recipient", "a test recipient (fake)"));
        assertThat(export.status()).as("export fixture: %s", export.body()).isIn(200, 201);
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        ConsoleClient.Response target = admin.post("/api/admin/users", Map.of("username", "fuzztarget",
                "displayName", "Testfuzz Fakename", "role", "OPERATOR", "languages", List.of("en")));
        assertThat(target.status()).isEqualTo(201);

        fixtures.put("/api/reports/{id}", List.of(report));
        fixtures.put("/api/reports/{id}/fields/{field}", names(operator.get("/api/forms/hotline").body()));
        fixtures.put("/api/cases/{id}", List.of(firstCase));
        fixtures.put("/api/cases/{id}/fields/{field}", names(leader.get("/api/forms/case").body()));
        fixtures.put("/api/cases/{id}/sources/{report}", List.of(source));
        fixtures.put("/api/calls/{callId}", List.of(call));
        fixtures.put("/api/escalations/{id}", List.of(escalationId));
        fixtures.put("/api/liaison/escalations/{id}", List.of(escalationId));
        fixtures.put("/ack/{id}", List.of(escalationId));
        fixtures.put("/api/exports/requests/{id}", List.of(export.body().get("id").asString()));
        fixtures.put("/api/admin/users/{id}", List.of(target.body().get("user").get("id").asString()));
        fixtures.put("/api/admin/users/{username}", List.of("fuzztarget"));
        // A real operator's number, so a bad body is what the answer names, not an unknown operator.
        fixtures.put("/api/operator-states/{operator}", List.of(target.body().get("user").get("id").asString()));
        fixtures.put("/api/sim/calls/{providerCallId}", List.of(pop.get("providerCallId") == null ? "none"
                : pop.get("providerCallId").asString()));

        List<String> names = new ArrayList<>();
        for (String form : List.of("hotline", "case", "screening")) {
            ConsoleClient who = form.equals("hotline") ? operator : form.equals("case") ? leader : reporter;
            names.addAll(names(who.get("/api/forms/" + form).body()));
        }
        formFieldNames = names.stream().distinct().toList();
        plausibleValues(secondCase, firstReference);

        for (String[] user : new String[][] {{"operator", "operator-demo"}, {"supervisor", "supervisor-demo"},
                {"admin", "admin-demo"}, {"datamanager", "datamanager-demo"}, {"leader", "leader-demo"},
                {"reporter", "reporter-demo"}, {"testpolice", "testpolice-demo"}}) {
            ConsoleClient c = ConsoleClient.login(hotline.base(), user[0], user[1]);
            sessions.put(user[0], FuzzHttp.session(c.base(), c.sessionCookie(), c.csrfHeader(), c.csrfToken(),
                    PATIENCE));
        }
        HttpClient anonymous = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(PATIENCE).build();
        JsonNode form = ConsoleClient.parse(anonymous.send(HttpRequest.newBuilder(URI.create(hotline.base()
                + "/api/public/form")).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        sessions.put("visitor", new FuzzHttp(hotline.base(), Map.of(form.get("csrf").get("header").asString(),
                form.get("csrf").get("token").asString()), anonymous, PATIENCE));

        endpoints = MappedEndpoints.of(hotline);
        for (Endpoint e : endpoints) {
            callers.put(e, reaching(e));
        }
        System.out.println("every endpoint: " + endpoints.size() + " endpoints with a body, fuzzed as "
                + callers.entrySet().stream().map(c -> c.getKey() + " by " + c.getValue())
                        .collect(Collectors.joining("; ")));
    }

    @AfterContainer
    static void stop() throws Exception {
        FuzzRuns.end(tally, data, hotline);
    }

    @AfterProperty
    void storedRecordsKeepTheirRules() {
        assertThat(stored.violations()).isEmpty();
    }

    /**
     * The enumeration finds the endpoints this issue named and the forms, so it is reading the mappings; and each
     * text field of each endpoint, with a NUL alone in it and plausible values in the others, is a 4xx, and a 400
     * naming the field where the field is declared as text.
     */
    @Example
    void aNulInEachTextFieldOfEveryEndpoint() {
        assertThat(endpoints.stream().map(Endpoint::toString)).contains("POST /api/cases/{id}/relate",
                "POST /api/cases/{id}/assign", "POST /api/cases/{id}/status", "POST /api/cases/{id}/merge",
                "POST /api/screenings", "POST /api/public/reports", "PUT /api/reports/{id}/fields/{field}");
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints) {
            for (Map.Entry<String, Kind> field : e.fields().entrySet()) {
                Map<String, Object> values = new LinkedHashMap<>();
                e.fields().forEach((name, kind) -> values.put(name, first(name, kind)));
                values.put(field.getKey(), field.getValue() == Kind.TEXTS ? List.of("test\u0000text")
                        : "test\u0000text");
                for (String who : callers.get(e)) {
                    Input input = new Input(e, who, fill(e, v -> fixtures.getOrDefault(prefix(e, v), List.of(
                            UUID.randomUUID().toString())).get(0)), e.json() ? "application/json"
                                    : "application/x-www-form-urlencoded", encode(e, values), false);
                    FuzzHttp.Answer answer = send(input);
                    if (answer.status() < 400 || answer.status() > 499) {
                        wrong.add(input + " answered " + answer.status() + " " + answer.body());
                    } else if (e.json() && field.getValue() == Kind.TEXT && (answer.status() != 400
                            || !answer.body().contains("'" + field.getKey() + "'"))) {
                        wrong.add(input + " did not name the field: " + answer.status() + " " + answer.body());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** No edge cases: mixed into flatMapped arbitraries, computing them cost more time than the requests. */
    @Property(shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void anyEndpoint(@ForAll("inputs") Input input) {
        FuzzHttp.Answer answer = send(input);
        assertThat(answer.status()).as("%s answered %s", input, answer.body())
                .satisfiesAnyOf(s -> assertThat(s).isBetween(200, 299), s -> assertThat(s).isBetween(400, 499));
        if (answer.status() == 400 && !input.hostilePath()) {
            assertThat(answer.body()).as("%s: a 400 says why", input).contains("\"message\"");
        }
    }

    @Provide
    Arbitrary<Input> inputs() {
        // Built once per endpoint, not per input: jqwik would otherwise rebuild them, and their edge cases, each time.
        Map<Endpoint, Arbitrary<Input>> each = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            Arbitrary<Map.Entry<String, Boolean>> path = path(e);
            Arbitrary<byte[]> body = Arbitraries.frequencyOf(Tuple.of(19, values(e).map(v -> encode(e, v))),
                    Tuple.of(1, HostileValues.malformedBodies()));
            each.put(e, Combinators.combine(path, body, Arbitraries.of(callers.get(e))).as((p, b, who) -> new Input(
                    e, who, p.getKey(), e.json() ? "application/json" : "application/x-www-form-urlencoded", b,
                    p.getValue())));
        }
        // Chosen at random, not by Arbitraries.of: its edge cases (the first and last endpoint) took a third of a run.
        return Arbitraries.randomValue(r -> endpoints.get(r.nextInt(endpoints.size()))).flatMap(each::get);
    }

    /** The path with fixtures mostly, sometimes a hostile segment (then the key's value says so). */
    private static Arbitrary<Map.Entry<String, Boolean>> path(Endpoint e) {
        List<Arbitrary<String>> segments = new ArrayList<>();
        for (String v : e.variables()) {
            List<String> known = fixtures.getOrDefault(prefix(e, v), List.of(UUID.randomUUID().toString()));
            segments.add(Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(known)), Tuple.of(1, controlText(
                    known.get(0)).map(s -> "\u0001hostile" + FuzzHttp.segment(s)))));
        }
        if (segments.isEmpty()) {
            return Arbitraries.just(Map.entry(e.pattern(), false));
        }
        return Combinators.combine(segments).as(list -> {
            boolean hostile = list.stream().anyMatch(s -> s.startsWith("\u0001hostile"));
            List<String> clean = list.stream().map(s -> s.replace("\u0001hostile", "")).toList();
            int[] i = {0};
            return Map.entry(fill(e, v -> clean.get(i[0]++)), hostile);
        });
    }

    /** Every field of the body: mostly control characters in text, plausible values beside them. */
    private static Arbitrary<Map<String, Object>> values(Endpoint e) {
        if (e.fields().isEmpty() && e.openMap()) {
            return answers();
        }
        List<String> names = new ArrayList<>(e.fields().keySet());
        List<Arbitrary<Object>> each = new ArrayList<>();
        for (String name : names) {
            Kind kind = e.fields().get(name);
            Arbitrary<Object> value = switch (kind) {
                case TEXT -> text(name);
                case TEXTS -> text(name).list().ofMaxSize(3).map(l -> (Object) l);
                case BOOLEAN, NUMBER -> Arbitraries.frequencyOf(Tuple.of(8, plausibleOf(name, kind)),
                        Tuple.of(2, HostileValues.json(1)));
                case ANY -> e.openMap() && name.equals("answers") ? answers().map(m -> (Object) m)
                        : Arbitraries.frequencyOf(Tuple.of(5, controlText("test text").map(s -> (Object) s)),
                                Tuple.of(5, HostileValues.json(2)));
            };
            // Sometimes absent: a missing field must be refused as clearly as a bad one.
            each.add(Arbitraries.frequencyOf(Tuple.of(9, value), Tuple.of(1, Arbitraries.just(Absent.VALUE))));
        }
        if (each.isEmpty()) {
            return Arbitraries.just(Map.of());
        }
        return Combinators.combine(each).as(list -> {
            Map<String, Object> body = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (list.get(i) != Absent.VALUE) {
                    body.put(names.get(i), list.get(i));
                }
            }
            return body;
        });
    }

    /** A form's answers by the forms' own field names, with control characters in most of them. */
    private static Arbitrary<Map<String, Object>> answers() {
        Arbitrary<Object> value = Arbitraries.frequencyOf(Tuple.of(6, controlText("test text").map(s -> (Object) s)),
                Tuple.of(2, Arbitraries.of("POTENTIAL", "OCCURRED", "FEMALE", "en", "JM").map(s -> (Object) s)),
                Tuple.of(2, HostileValues.json(1)));
        return Arbitraries.maps(Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(formFieldNames)),
                Tuple.of(1, controlText("name"))), value).ofMaxSize(6).map(m -> {
                    Map<String, Object> answers = new LinkedHashMap<>(m);
                    answers.putIfAbsent("situation", "POTENTIAL");
                    return answers;
                });
    }

    /** A declared text: control characters in it mostly, else a plausible value or any JSON value. */
    private static Arbitrary<Object> text(String name) {
        List<Object> known = plausible.getOrDefault(name, List.of("Test text (fake)"));
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(known).flatMap(k -> controlText(String.valueOf(k)))
                .map(s -> (Object) s)), Tuple.of(3, Arbitraries.of(known)), Tuple.of(1, HostileValues.json(0)));
    }

    /** Text with one to three control characters (NUL most often) at its start, inside or at its end. */
    static Arbitrary<String> controlText(String base) {
        Arbitrary<String> controls = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just('\u0000')),
                Tuple.of(5, Arbitraries.chars().range('\u0001', '\u001f')), Tuple.of(1, Arbitraries.just('\u007f')))
                .list().ofMinSize(1).ofMaxSize(3).map(l -> l.stream().map(String::valueOf)
                        .collect(Collectors.joining()));
        return Combinators.combine(controls, Arbitraries.integers().between(0, Math.max(0, base.length())),
                Arbitraries.integers().between(0, 9)).as((c, at, dice) -> dice == 0 ? c
                        : base.substring(0, at) + c + base.substring(at));
    }

    private static Arbitrary<Object> plausibleOf(String name, Kind kind) {
        List<Object> known = plausible.get(name);
        if (known != null) {
            return Arbitraries.of(known);
        }
        return kind == Kind.BOOLEAN ? Arbitraries.of(true, false).map(b -> b)
                : Arbitraries.integers().between(0, 100).map(i -> i);
    }

    private static Object first(String name, Kind kind) {
        List<Object> known = plausible.get(name);
        if (known != null) {
            return known.get(0);
        }
        return switch (kind) {
            case BOOLEAN -> true;
            case NUMBER -> 1;
            case TEXTS -> List.of("Test text (fake)");
            default -> "Test text (fake)";
        };
    }

    private static void plausibleValues(String otherCase, String caseReference) {
        long inAnHour = System.currentTimeMillis() / 1000 + 3600;
        Map<String, List<Object>> p = plausible;
        p.put("to", List.of("datamanager", "leader", otherCase));
        p.put("other", List.of(otherCase));
        p.put("into", List.of(otherCase));
        p.put("status", List.of("UNDER_ASSESSMENT", "POTENTIAL", "REFERRED", "CLOSED"));
        p.put("question", List.of("1.1", "1.2", "1.5"));
        p.put("answer", List.of(true, false));
        p.put("askedBy", List.of("Testasker Fakename"));
        p.put("askedOn", List.of(LocalDate.now().toString()));
        p.put("cases", List.of(List.of(caseReference)));
        p.put("username", List.of("fuzzuser", "fuzztarget"));
        p.put("displayName", List.of("Testfuzz Fakename"));
        p.put("role", List.of("OPERATOR", "AGENCY_REPORTER", "LIAISON"));
        p.put("agency", List.of("test-police"));
        p.put("languages", List.of(List.of("en"), List.of("en", "es")));
        p.put("endpoint", List.of("PJSIP/201", "client:fuzz"));
        // Never the real password: a changed password would end the session the campaign uses.
        p.put("current", List.of("not-the-password"));
        p.put("next", List.of("a long enough test passphrase"));
        p.put("code", List.of("000000", "AAAA-BBBB-CCCC"));
        p.put("callerNumber", List.of("+1 555 0100 042", "5550100043"));
        p.put("language", List.of("en", "es"));
        p.put("immediateDanger", List.of("NO"));
        p.put("callerType", List.of("VICTIM", "SOMEONE_ELSE"));
        p.put("dialled", List.of("HOTLINE"));
        // Test calls stay in the IVR: nobody is available to take them, and a queue of thousands proves nothing.
        p.put("stayInIvr", List.of(true));
        p.put("level", List.of("URGENT", "IMMEDIATE"));
        p.put("danger", List.of("OTHER", "VIOLENCE"));
        p.put("mode", List.of("ALERT"));
        p.put("basis", List.of("CONSENT", "OVERRIDE_IMMINENT_DANGER"));
        p.put("outcome", List.of("OFFICERS_DISPATCHED"));
        p.put("expires", List.of(inAnHour));
        p.put("sig", List.of("not-a-signature"));
        // Contacts outside the phone line (issue 18): an hour ago in the jurisdiction's time, for an operator.
        p.put("channel", List.of("WALK_IN", "BACKUP_PHONE"));
        p.put("contactedAt", List.of(java.time.LocalDateTime.now(java.time.ZoneId.of("America/Jamaica")).minusHours(1)
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString()));
        p.put("takenBy", List.of("operator2"));
    }

    /** The sessions the URL rules let through to the endpoint: an unreadable body is a 400 there, a 401/403 not. */
    private static List<String> reaching(Endpoint e) {
        List<String> through = new ArrayList<>();
        Map<String, Object> none = Map.of();
        for (String who : sessions.keySet()) {
            String path = fill(e, v -> fixtures.getOrDefault(prefix(e, v), List.of(UUID.randomUUID().toString()))
                    .get(0));
            FuzzHttp.Answer a = sessions.get(who).send(e.method(), path, e.json() ? "application/json"
                    : "application/x-www-form-urlencoded", e.json() ? "{".getBytes(StandardCharsets.UTF_8)
                            : encode(e, none));
            if (a.status() != 401 && a.status() != 403) {
                through.add(who);
            }
        }
        return through.isEmpty() ? List.copyOf(sessions.keySet()) : through;
    }

    private static FuzzHttp.Answer send(Input input) {
        FuzzHttp.Answer answer = sessions.get(input.who()).send(input.endpoint().method(), input.path(),
                input.contentType(), input.body());
        if (answer == null) {
            return new FuzzHttp.Answer(400, "{\"message\":\"not a URL a client can send\"}");
        }
        tally.count(input.endpoint().toString(), answer.status());
        return answer;
    }

    private static byte[] encode(Endpoint e, Map<String, Object> values) {
        if (e.json()) {
            return FuzzHttp.json(values);
        }
        return values.entrySet().stream().map(v -> URLEncoder.encode(v.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(String.valueOf(v.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
    }

    private static String prefix(Endpoint e, String variable) {
        String marker = "{" + variable + "}";
        return e.pattern().substring(0, e.pattern().indexOf(marker) + marker.length());
    }

    private static String fill(Endpoint e, java.util.function.Function<String, String> value) {
        String path = e.pattern();
        for (String v : e.variables()) {
            path = path.replace("{" + v + "}", value.apply(v));
        }
        return path;
    }

    private static List<String> names(JsonNode fields) {
        List<String> out = new ArrayList<>();
        fields.forEach(f -> out.add(f.get("name").asString()));
        return out;
    }

    /** A field left out of the body. */
    private enum Absent { VALUE }
}
