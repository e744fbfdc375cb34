package org.tiphotline.console.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.security.NeedToKnowTest.Who.ADMIN;
import static org.tiphotline.console.security.NeedToKnowTest.Who.AGENCY_REPORTER;
import static org.tiphotline.console.security.NeedToKnowTest.Who.ANONYMOUS;
import static org.tiphotline.console.security.NeedToKnowTest.Who.AUDITOR;
import static org.tiphotline.console.security.NeedToKnowTest.Who.DATA_MANAGER_OF_CASE;
import static org.tiphotline.console.security.NeedToKnowTest.Who.LEADER;
import static org.tiphotline.console.security.NeedToKnowTest.Who.OPERATOR_ON_CALL;
import static org.tiphotline.console.security.NeedToKnowTest.Who.OTHER_AGENCY_LIAISON;
import static org.tiphotline.console.security.NeedToKnowTest.Who.OTHER_DATA_MANAGER;
import static org.tiphotline.console.security.NeedToKnowTest.Who.OTHER_OPERATOR;
import static org.tiphotline.console.security.NeedToKnowTest.Who.POLICE_LIAISON;
import static org.tiphotline.console.security.NeedToKnowTest.Who.SUPERVISOR;
import static org.tiphotline.console.security.NeedToKnowTest.Who.WALL_DISPLAY;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SecondFactor;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestDirectory;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Need to know, endpoint by endpoint. The whole application runs once with real data: a submitted hotline report
 * with its call, escalations to two agencies, an online report and a screening form, a case with a document and
 * identifying export requests. Then every endpoint Spring maps is called as every kind of user, and the table below
 * says who may use it. A denied call gets 401 or 403 (404 where the product hides that the thing exists: each such
 * row says so), its body carries nothing of the data, and nothing in the database changed, audit trail included.
 * An allowed call is answered (2xx unless the row says otherwise), carries no personal data its caller may not
 * read, and whenever it carries some, its caller's read is in the audit trail. The live channel's topics are
 * checked the same way. An endpoint missing from the table fails the test: a new one must say who may use it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeedToKnowTest {

    /** The kinds of user; each is a real account of the running application. */
    enum Who {
        ANONYMOUS(null, null),
        OPERATOR_ON_CALL("operator", "operator-demo"),
        OTHER_OPERATOR("operator2", "operator2-demo"),
        SUPERVISOR("supervisor", "supervisor-demo"),
        ADMIN("admin", "admin-demo"),
        DATA_MANAGER_OF_CASE("datamanager", "datamanager-demo"),
        OTHER_DATA_MANAGER("datamanager2", "datamanager2-test"),
        LEADER("leader", "leader-demo"),
        AGENCY_REPORTER("reporter", "reporter-demo"),
        // The demo accounts give each agency of the directory a liaison named after it.
        POLICE_LIAISON("testpolice", "testpolice-demo"),
        OTHER_AGENCY_LIAISON("testchildprotection", "testchildprotection-demo"),
        // The floor's wallboard (issue 20): a demo account like the others.
        WALL_DISPLAY("wallboard", "wallboard-demo"),
        // Reads the audit trail and nothing else (issue 21): a demo account like the others.
        AUDITOR("auditor", "auditor-demo");

        final String username;
        final String password;

        Who(String username, String password) {
            this.username = username;
            this.password = password;
        }
    }

    private static final Set<Who> NOBODY = EnumSet.noneOf(Who.class);
    private static final Set<Who> EVERYONE = EnumSet.allOf(Who.class);
    private static final Set<Who> SIGNED_IN = EnumSet.complementOf(EnumSet.of(ANONYMOUS));
    /** Everyone who works at the hotline or the registry: not the agencies' people. */
    private static final Set<Who> STAFF = EnumSet.of(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR, ADMIN,
            DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER, LEADER);
    private static final Set<Who> OPERATORS = EnumSet.of(OPERATOR_ON_CALL, OTHER_OPERATOR);
    /** Who may try the simulated line: the hotline's staff, never the administrator nor the wall display. */
    private static final Set<Who> SIMULATED_LINE = EnumSet.complementOf(EnumSet.of(ANONYMOUS, ADMIN, AGENCY_REPORTER,
            POLICE_LIAISON, OTHER_AGENCY_LIAISON, WALL_DISPLAY, AUDITOR));
    /** Who sees the floor (issue 20): staff data, nothing about callers; the wall display sees nothing else. */
    private static final Set<Who> FLOOR = EnumSet.of(SUPERVISOR, ADMIN, WALL_DISPLAY);
    private static final Set<Who> REGISTRY = EnumSet.of(DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER, LEADER);
    private static final Set<Who> CASE_WORKERS = EnumSet.of(DATA_MANAGER_OF_CASE, LEADER);
    /** The users whose role needs a second factor (every role that reads personal data or manages users). */
    private static final Set<Who> PRIVILEGED = EnumSet.of(SUPERVISOR, ADMIN, DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER,
            LEADER, AUDITOR);
    private static final String PRIVILEGED_ROLES = "SUPERVISOR,DATA_MANAGER,DATA_MANAGEMENT_LEADER,ADMIN,AUDITOR";
    /** What a half-signed-in user (password only) reaches: the enrolment page's APIs and who they are. */
    private static final Set<String> ENROLMENT = Set.of("GET /api/me", "GET /api/factors", "POST /api/factors/totp",
            "POST /api/factors/totp/confirm", "POST /api/factors/totp/verify", "POST /api/factors/recovery",
            "POST /webauthn/register/options", "POST /webauthn/register", "POST /webauthn/authenticate/options",
            "POST /login/webauthn");
    /**
     * Endpoints that Spring Security's filters answer themselves (no Spring MVC mapping), by the filter that answers
     * them: a filter of these packages in the chain that is not listed here fails the table's completeness test.
     */
    private static final Map<String, List<String>> FILTER_ENDPOINTS = Map.of(
            "PublicKeyCredentialCreationOptionsFilter", List.of("POST /webauthn/register/options"),
            "WebAuthnRegistrationFilter", List.of("POST /webauthn/register", "DELETE /webauthn/register/{id}"),
            "PublicKeyCredentialRequestOptionsFilter", List.of("POST /webauthn/authenticate/options"),
            "WebAuthnAuthenticationFilter", List.of("POST /login/webauthn"));
    private static final List<String> ENDPOINT_FILTER_PACKAGES = List.of("org.springframework.security.web.webauthn");
    private static final Set<Who> REVIEWERS = EnumSet.of(SUPERVISOR, DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER,
            LEADER);

    /**
     * The personal data of the fixtures, each group with who may read it. Every value is fake and distinctive, so
     * finding one in an answer means that data was sent.
     */
    private enum Secret {
        HOTLINE_REPORT(EnumSet.of(OPERATOR_ON_CALL, SUPERVISOR, DATA_MANAGER_OF_CASE, LEADER),
                "Fakecaller", "Fakevictim", "Testwarehouse"),
        // The caller's number is shown masked to everyone; nobody reads it whole.
        CALLER_NUMBER(NOBODY, "5550100042", "0100 042"),
        HOTLINE_CASE(CASE_WORKERS, "Fakecasename", "FAKE-PDF-MARKER"),
        ONLINE_REPORT(CASE_WORKERS, "Fakeonline"),
        SCREENING_REPORT(EnumSet.of(LEADER), "Fakescreen", "Testlane"),
        OUTCOME_NOTE(EnumSet.of(POLICE_LIAISON, OPERATOR_ON_CALL, SUPERVISOR), "Fakeoutcome"),
        // An operator's reason for escalating may name people: the call's operator and supervisors read it (and
        // an agency under a disclosure, which the police escalation here does not have).
        ESCALATION_REASON(EnumSet.of(OPERATOR_ON_CALL, SUPERVISOR), "Fakereason");

        final Set<Who> readers;
        final List<String> markers;

        Secret(Set<Who> readers, String... markers) {
            this.readers = readers;
            this.markers = List.of(markers);
        }
    }

    /** Tables an endpoint can change; a denied call must leave every one of them as it was. */
    private static final List<String> WATCHED = List.of("app_user", "totp_factor", "recovery_code",
            "operator_state_event",
            "user_entities", "user_credentials", "call", "call_event", "callback_task", "callback_attempt",
            "hotline_report", "escalation", "escalation_disclosure", "registry_case", "case_event", "case_consent",
            "caller_flag",
            "case_source", "case_relation", "case_document", "online_report", "screening_report", "export_request",
            "audit_log");

    /** The keys an error body may have (ours, or Spring Boot's for a refusal by the security filters). */
    private static final Set<String> ERROR_KEYS = Set.of("error", "message", "fields", "timestamp", "status", "path");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ACCOUNT = "AC" + "0".repeat(31) + "7";
    private static final String PUBLIC_BASE = "https://hotline.example.test";

    @TempDir
    static Path data;

    private static WireMockServer outside;
    private static RunningHotline hotline;
    private static DSLContext db;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<Who, ConsoleClient> clients = new EnumMap<>(Who.class);
    private static final Map<Who, Session> sessions = new EnumMap<>(Who.class);

    // The fixtures' ids.
    private static String call;
    /** An operator a supervisor sets away (issue 20); never on a call. */
    private static long awayOperator;
    private static String report;
    private static String draftToEdit;
    private static String draftToSubmit;
    private static String hotlineCase;
    private static String hotlineCaseReference;
    private static String document;
    private static String onlineCase;
    private static String onlineReport;
    private static String screeningCase;
    private static String policeEscalation;
    private static String closableEscalation;
    private static String otherAgencyEscalation;
    private static String otherAgencyEscalation2;
    private static final Map<Who, String[]> mergePairs = new EnumMap<>(Who.class);
    /** Per user who may move a report: the case it is in, the report, the case it moves to. */
    private static final Map<Who, String[]> moves = new EnumMap<>(Who.class);
    private static final Map<Who, String> statusCases = new EnumMap<>(Who.class);
    private static final Map<Who, String> disclosedEscalations = new EnumMap<>(Who.class);
    private static String exportToApprove;
    private static String exportToReject;
    /** Accounts the administrator's rows change, so the matrix's own users keep theirs. */
    private static final Map<String, Long> accountsToChange = new LinkedHashMap<>();
    private static String exportApproved;
    private static String flagToLift;
    private static String ivrCall;
    /** A call the operator on call still talks on when the table runs: the one they may switch to quiet mode. */
    private static String quietCall;
    private static volatile boolean safeEndSent;
    /** A callback task whose caller never said it is safe to call back: listed, never dialled. */
    private static String doNotCallTask;
    /** The simulated calls each user placed through the matrix, which the same user then hangs up. */
    private static final Map<Who, String> placedCalls = new EnumMap<>(Who.class);

    /** A signed-in (or, for the anonymous visitor, merely visiting) browser session. */
    private record Session(String cookie, String csrfHeader, String csrfToken) {}

    /** One request: {@code body} null for none; {@code accept} what a browser page or a script asks for. */
    record Req(String method, String path, String contentType, byte[] body, String accept) {

        Req(String method, String path, String contentType, byte[] body) {
            this(method, path, contentType, body, "application/json");
        }

        /** As a browser opening a page asks: a page is refused by sending the browser to the login form. */
        Req asPage() {
            return new Req(method, path, contentType, body, "text/html");
        }
    }

    record Answer(int status, String body, java.net.http.HttpHeaders headers) {}

    @BeforeAll
    static void start() throws Exception {
        outside = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        outside.start();
        outside.stubFor(post(urlEqualTo("/alerts")).willReturn(aResponse().withStatus(202)));
        outside.stubFor(get(urlPathMatching("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        Map<String, String> settings = new LinkedHashMap<>();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", "+15550100119",
                "WEBHOOK http://127.0.0.1:" + outside.port() + "/alerts");
        TestDirectory.agency(settings, 1, "test-child-protection", "Test Child Protection (fake)", "CHILD_PROTECTION",
                null, "EMAIL duty@cp.example.test");
        settings.put("hotline.escalation.links.public-base-url", PUBLIC_BASE);
        settings.put("hotline.escalation.links.secret", "test-only-link-secret-0123456789abcdef");
        // No alert is due again while the matrix runs: the database changes only when a call changes it.
        settings.put("hotline.escalation.acknowledge-within", "1h");
        settings.put("hotline.escalation.acknowledge-urgent-within", "1h");
        settings.put("hotline.escalation.realert-every", "1h");
        settings.put("hotline.online.reports-per-address", "1000");
        // Twilio on (against a stub of its API), so that its webhooks and the browser phone's token are in the
        // matrix too.
        TestTwilio.voice(settings, ACCOUNT, outside.port(), PUBLIC_BASE);
        // As a deployment: the roles that read personal data or manage users sign in with a second factor.
        settings.put("hotline.security.second-factor.required-roles", PRIVILEGED_ROLES);
        hotline = RunningHotline.start(data, settings);
        db = hotline.bean(DSLContext.class);
        hotline.bean(Operators.class).create("datamanager2", "Second Test Data Manager (fake)",
                hotline.bean(PasswordEncoder.class).encode("datamanager2-test"), Role.DATA_MANAGER, List.of(), null);
        hotline.bean(Operators.class).create("resettest", "Reset Test Fakename", "{noop}not-a-password",
                Role.OPERATOR, List.of(), null);
        for (String name : List.of("fixture-edit", "fixture-disable", "fixture-enable", "fixture-reset")) {
            accountsToChange.put(name, hotline.bean(Operators.class).create(name, "Test Account " + name + " (fake)",
                    hotline.bean(PasswordEncoder.class).encode(name + "-test"), Role.OPERATOR, List.of(), null).id()
                    .value());
        }
        db.execute("update hotline.app_user set enabled = false where username = 'fixture-enable'");
        awayOperator = hotline.bean(Operators.class).create("fixture-away", "Test Away Fakename",
                "{noop}not-a-password", Role.OPERATOR, List.of("en"), null).id().value();
        for (Who who : SIGNED_IN) {
            ConsoleClient client = ConsoleClient.login(hotline.base(), who.username, who.password);
            if (PRIVILEGED.contains(who)) {
                SecondFactor.enrol(client, hotline);
            }
            clients.put(who, client);
            sessions.put(who, new Session(client.sessionCookie(), client.csrfHeader(), client.csrfToken()));
        }
        sessions.put(ANONYMOUS, visitor());
        createFixtures();
        awaitQuiet();
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
        if (outside != null) {
            outside.stop();
        }
    }

    /** Someone on the public form: a session and its CSRF token, as the online form's page gets them. */
    private static Session visitor() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        JsonNode form = JSON.readTree(browser.send(HttpRequest.newBuilder(URI.create(hotline.base()
                + "/api/public/form")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String cookie = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
        return new Session(cookie, form.get("csrf").get("header").asString(),
                form.get("csrf").get("token").asString());
    }

    // ---------------------------------------------------------------------------------------------------------
    // The fixtures

    private static void createFixtures() throws Exception {
        ConsoleClient operator = clients.get(OPERATOR_ON_CALL);
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 042", "language", "en",
                "immediateDanger", "NO"));
        call = pop.get("call").asString();
        report = pop.get("report").asString();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("situation", "POTENTIAL");
        fields.put("traffickingTypes", List.of("LABOUR"));
        fields.put("contactConsent", true);
        fields.put("contactFirstName", "Testfirst");
        fields.put("contactLastName", "Fakecaller");
        fields.put("victimDetails", "Fakevictim Testperson (fake)");
        fields.put("locationDetail", "behind the Testwarehouse (fake)");
        fields.forEach((field, value) -> ok(operator.put("/api/reports/" + report + "/fields/" + field,
                Map.of("value", value)), "report field " + field));
        policeEscalation = escalate(operator, "test-police");
        closableEscalation = escalate(operator, "test-police");
        otherAgencyEscalation = escalate(operator, "test-child-protection");
        otherAgencyEscalation2 = escalate(operator, "test-child-protection");
        disclosedEscalations.put(OPERATOR_ON_CALL, otherAgencyEscalation);
        disclosedEscalations.put(SUPERVISOR, otherAgencyEscalation2);
        ok(operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null),
                "hang up");
        ok(operator.post("/api/reports/" + report + "/submit", null), "submit");
        draftToEdit = draft(operator, false);
        draftToSubmit = draft(operator, true);
        ivrCall = ok(operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 044", "language", "en",
                "stayInIvr", true)), "a call in the IVR").get("providerCallId").asString();

        flagToLift = ok(clients.get(SUPERVISOR).post("/api/calls/" + call + "/caller-flags", Map.of("kind", "ABUSIVE",
                "days", 30)), "caller flag").get("id").asString();
        String unsafe = ok(operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 045", "language",
                "en", "immediateDanger", "NO", "stayInIvr", true)), "a call that hangs up unanswered")
                .get("providerCallId").asString();
        ok(operator.post("/api/sim/calls/" + unsafe + "/caller-hangup", null), "hang up in the menu");
        doNotCallTask = db.fetchValue(DSL.field("(select id::text from hotline.callback_task where do_not_call is not "
                + "null order by created_at desc limit 1)", String.class));

        ConsoleClient police = clients.get(POLICE_LIAISON);
        ok(police.post("/api/liaison/escalations/" + policeEscalation + "/acknowledge", null), "acknowledge");
        ok(police.post("/api/liaison/escalations/" + policeEscalation + "/outcome", Map.of("outcome",
                "OFFICERS_DISPATCHED", "note", "Fakeoutcome: two officers of the test unit sent (fake)")), "outcome");

        ConsoleClient mine = clients.get(DATA_MANAGER_OF_CASE);
        ConsoleClient leader = clients.get(LEADER);
        hotlineCase = caseOf(CASE_SOURCE.HOTLINE_REPORT_ID.eq(UUID.fromString(report)));
        ok(mine.post("/api/cases/" + hotlineCase + "/assign", Map.of("to", "datamanager")), "take the case");
        ok(mine.put("/api/cases/" + hotlineCase + "/fields/firstNames", Map.of("value", "Testfirst Fakecasename")),
                "case field");
        ok(mine.post("/api/cases/" + hotlineCase + "/consent", consent()), "consent");
        document = ok(mine.postBytes("/api/cases/" + hotlineCase + "/documents?kind=MEDICAL_REPORT",
                "application/pdf", pdf()), "document").get("id").asString();
        hotlineCaseReference = ok(leader.get("/api/cases/" + hotlineCase), "case").get("case").get("reference")
                .asString();

        onlineCase = onlineReportCase(Map.of("traffickingTypes", List.of("LABOUR"), "anonymous", false,
                "reporterSex", "FEMALE", "contactConsent", true, "contactFirstName", "Testfirst",
                "contactLastName", "Fakeonline"));
        onlineReport = db.select(CASE_SOURCE.ONLINE_REPORT_ID).from(CASE_SOURCE)
                .where(CASE_SOURCE.CASE_ID.eq(UUID.fromString(onlineCase))).fetchOne(CASE_SOURCE.ONLINE_REPORT_ID)
                .toString();
        ok(mine.post("/api/cases/" + onlineCase + "/assign", Map.of("to", "datamanager")), "take the case");
        String screening = ok(clients.get(AGENCY_REPORTER).post("/api/screenings", Map.of("situation", "OCCURRED",
                "victimSex", "FEMALE", "victimAge", 16, "traffickingTypes", List.of("DOMESTIC_LABOUR"),
                "reporterName", "Testnurse Fakescreen", "locationDetail", "the fake house on Testlane")), "screening")
                .get("reference").asString();
        screeningCase = caseOf(CASE_SOURCE.SCREENING_REPORT_ID.eq(db.select(SCREENING_REPORT.ID)
                .from(SCREENING_REPORT).where(SCREENING_REPORT.REFERENCE.eq(screening))));

        // Cases that the two who may merge and move cases each change, so neither finds the other's work done.
        String[] mineToMerge = {anonymousCase(), anonymousCase()};
        for (String c : mineToMerge) {
            ok(mine.post("/api/cases/" + c + "/assign", Map.of("to", "datamanager")), "take the case");
        }
        mergePairs.put(DATA_MANAGER_OF_CASE, mineToMerge);
        mergePairs.put(LEADER, new String[] {anonymousCase(), anonymousCase()});
        // A report moves only out of a case that has another: two merged cases, and a third to move one to.
        for (Who who : CASE_WORKERS) {
            String[] three = {anonymousCase(), anonymousCase(), anonymousCase()};
            if (who == DATA_MANAGER_OF_CASE) {
                for (String c : three) {
                    ok(mine.post("/api/cases/" + c + "/assign", Map.of("to", "datamanager")), "take the case");
                }
            }
            ok(clients.get(who).post("/api/cases/" + three[0] + "/merge", Map.of("into", three[1],
                    "note", "the same test situation (fake)")), "merge");
            String moving = db.select(CASE_SOURCE.ONLINE_REPORT_ID).from(CASE_SOURCE)
                    .where(CASE_SOURCE.CASE_ID.eq(UUID.fromString(three[1]))).orderBy(CASE_SOURCE.LINKED_AT)
                    .limit(1).fetchOne(CASE_SOURCE.ONLINE_REPORT_ID).toString();
            moves.put(who, new String[] {three[1], moving, three[2]});
        }
        statusCases.put(DATA_MANAGER_OF_CASE, hotlineCase);
        statusCases.put(LEADER, onlineCase);

        exportToApprove = exportRequest(mine);
        exportToReject = exportRequest(mine);
        exportApproved = exportRequest(mine);
        ok(leader.post("/api/exports/requests/" + exportApproved + "/approve", Map.of("note", "checked (test)")),
                "approve");

        // Last: the operator stays on this call for the rest of the test.
        quietCall = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 047", "language", "en",
                "immediateDanger", "NO")).get("call").asString();
    }

    /** Raised as IMMEDIATE: an imminent-danger override of the consent rule applies only to those. */
    private static String escalate(ConsoleClient operator, String agency) {
        return ok(operator.post("/api/calls/" + call + "/escalations", Map.of("agency", agency, "level", "IMMEDIATE",
                "danger", "CONFINEMENT", "reason", "Fakereason: locked in a test work site (fake)")), "escalate")
                .get("id").asString();
    }

    /** Another call this operator answers and hangs up; its report stays a draft. */
    private static String draft(ConsoleClient operator, boolean readyToSubmit) throws Exception {
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 045", "language", "en",
                "immediateDanger", "NO"));
        String id = pop.get("report").asString();
        if (readyToSubmit) {
            ok(operator.put("/api/reports/" + id + "/fields/situation", Map.of("value", "POTENTIAL")), "situation");
        }
        ok(operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null),
                "hang up");
        return id;
    }

    private static Map<String, Object> consent() {
        return Map.of("question", "1.1", "answer", true, "askedBy", "Test Interviewer (fake)",
                "askedOn", LocalDate.now(ZoneOffset.UTC).toString());
    }

    private static byte[] pdf() {
        return "%PDF-1.4\n% FAKE-PDF-MARKER test document (fake)\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
    }

    private static String anonymousCase() throws Exception {
        return onlineReportCase(Map.of("traffickingTypes", List.of("BEGGING"), "anonymous", true,
                "reporterSex", "MALE"));
    }

    private static String onlineReportCase(Map<String, Object> answers) throws Exception {
        Answer sent = send(ANONYMOUS, json("POST", "/api/public/reports", Map.of("language", "en",
                "answers", answers)));
        assertThat(sent.status()).as("online report: %s", sent.body()).isEqualTo(201);
        String reference = JSON.readTree(sent.body()).get("reference").asString();
        return caseOf(CASE_SOURCE.ONLINE_REPORT_ID.eq(db.select(ONLINE_REPORT.ID).from(ONLINE_REPORT)
                .where(ONLINE_REPORT.REFERENCE.eq(reference))));
    }

    private static String caseOf(org.jooq.Condition source) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            UUID id = db.select(CASE_SOURCE.CASE_ID).from(CASE_SOURCE).where(source).fetchOne(CASE_SOURCE.CASE_ID);
            if (id != null) {
                return id.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the report did not become a case");
    }

    private static String exportRequest(ConsoleClient dataManager) {
        return ok(dataManager.post("/api/exports/requests", exportAsk()), "export request").get("id").asString();
    }

    private static Map<String, Object> exportAsk() {
        return Map.of("cases", List.of(hotlineCaseReference), "purpose", "referral for shelter assistance (test)",
                "recipient", "Test Shelter (fake)");
    }

    private static JsonNode ok(ConsoleClient.Response response, String what) {
        assertThat(response.status()).as("%s: %s", what, response.body()).isBetween(200, 299);
        return response.body();
    }

    /**
     * Waits until no alert is due: the alerts of the escalations just raised are sent (or failed), so nothing
     * but the calls under test writes to the database.
     */
    private static void awaitQuiet() throws InterruptedException {
        // The safe end's call record and the routing decision that puts its operator into after-call work (an
        // operator_state_event) commit apart: both are waited for, or the next row's denial sees that event land.
        for (int i = 0; safeEndSent && i < 200; i++) {
            if (db.fetchCount(org.tiphotline.db.Tables.CALL, org.tiphotline.db.Tables.CALL.ID.eq(
                    java.util.UUID.fromString(quietCall)).and(org.tiphotline.db.Tables.CALL.STATE.eq("ENDED"))) == 1
                    && db.fetchCount(DSL.table("hotline.routing_operator").join(DSL.table("hotline.app_user"))
                            .on(DSL.field("routing_operator.operator_id").eq(DSL.field("app_user.id"))),
                            DSL.field("app_user.username").eq(OPERATOR_ON_CALL.username)
                                    .and(DSL.field("routing_operator.presence").in("RINGING", "ON_CALL"))) == 0) {
                break;
            }
            Thread.sleep(50);
        }
        for (int i = 0; i < 200; i++) {
            if (db.fetchCount(ESCALATION_ALERT, ESCALATION_ALERT.SENT_AT.isNull()
                    .and(ESCALATION_ALERT.FAILURE.isNull())
                    .and(ESCALATION_ALERT.DUE_AT.le(OffsetDateTime.now(ZoneOffset.UTC)))) == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("alerts are still being sent");
    }

    // ---------------------------------------------------------------------------------------------------------
    // The table: every endpoint, who may use it, and the request that tries it

    /** One endpoint: who may use it, and how each user's try is made. */
    static final class Row {
        final String key;
        final String why;
        Set<Who> allowed = NOBODY;
        /** Denied with 404, not 403: the product does not tell them the thing exists. */
        Set<Who> hidden = NOBODY;
        Function<Who, Req> request;
        IntPredicate allowedAnswer = status -> status >= 200 && status < 300;
        String allowedAnswerText = "2xx";
        Integer anonymousAnswer;

        Row(String key, String why) {
            this.key = key;
            this.why = why;
        }

        Row allow(Set<Who> who) {
            allowed = EnumSet.copyOf(who);
            return this;
        }

        Row allow(Who first, Who... more) {
            return allow(EnumSet.of(first, more));
        }

        Row hide(Who first, Who... more) {
            hidden = EnumSet.of(first, more);
            return this;
        }

        Row send(Function<Who, Req> request) {
            this.request = request;
            return this;
        }

        Row send(Req request) {
            return send(who -> request);
        }

        /** What an allowed user's try answers when it is not a 2xx, and why that still means they got in. */
        Row answers(int status, String reason) {
            allowedAnswer = s -> s == status;
            allowedAnswerText = status + " (" + reason + ")";
            return this;
        }

        Row answers(IntPredicate status, String reason) {
            allowedAnswer = status;
            allowedAnswerText = reason;
            return this;
        }

        Row anonymousGets(int status) {
            anonymousAnswer = status;
            return this;
        }

        /** What a denied user's try must get. */
        int denial(Who who, Req req) {
            if (who == ANONYMOUS) {
                if (anonymousAnswer != null) {
                    return anonymousAnswer;
                }
                // A script is answered 401; a browser opening a page is sent to the login form.
                return req.accept().equals("text/html") ? 302 : 401;
            }
            return hidden.contains(who) ? 404 : 403;
        }
    }

    private static Row row(String key, String why) {
        return new Row(key, why);
    }

    private static List<Row> table() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        int quarter = (LocalDate.now(ZoneOffset.UTC).getMonthValue() - 1) / 3 + 1;
        String cases = "/api/cases/" + hotlineCase;
        String ackQuery = "?agency=test-police&expires=" + (System.currentTimeMillis() / 1000 + 3600)
                + "&sig=not-a-signature";
        List<Row> rows = new ArrayList<>(List.of(
                // Public: the online form and the error page.
                row("GET /api/public/form", "the online form, for anyone").allow(EVERYONE)
                        .send(getReq("/api/public/form")),
                row("POST /api/public/reports", "anyone may report online; nothing is sent back").allow(EVERYONE)
                        .send(json("POST", "/api/public/reports", Map.of("language", "en", "answers",
                                Map.of("traffickingTypes", List.of("BEGGING"), "anonymous", true,
                                        "reporterSex", "FEMALE")))),
                row("* /error", "the hotline's error page; called directly it describes no error: not found")
                        .allow(EVERYONE).send(getReq("/error")).answers(404, "no error to describe"),
                row("GET /ack/{id}", "the signature of the alert's link is the only authority; nobody here has one")
                        .anonymousGets(403).send(getReq("/ack/" + policeEscalation + ackQuery).asPage()),
                row("POST /ack/{id}", "as above: a forged link acknowledges nothing").anonymousGets(403)
                        .send(form("/ack/" + policeEscalation, ackQuery.substring(1)).asPage()),
                // Who is signed in.
                row("GET /", "each role's landing page; liaisons and reporters are sent to theirs at login")
                        .allow(STAFF).send(getReq("/").asPage()).answers(302, "to the role's page"),
                row("GET /api/me", "who is signed in, with the CSRF token").allow(SIGNED_IN)
                        .send(getReq("/api/me")),
                row("GET /login", "the sign-in form").allow(EVERYONE).send(getReq("/login").asPage()),
                row("GET /api/labels", "words for codes, no data; the sign-in and error pages need them too")
                        .allow(EVERYONE).send(getReq("/api/labels")),
                row("GET /favicon.ico", "the icon, for browsers that ask by habit").allow(EVERYONE)
                        .send(getReq("/favicon.ico").asPage()).answers(301, "to /favicon.svg"),
                // Operations (issue 19): the load balancer's probes, a status and nothing else, for anyone; the rest of
                // Actuator for no one on this port (metrics only on a management port of their own).
                row("GET /actuator/health/**", "liveness and readiness: a status, no detail, for the load balancer")
                        .allow(EVERYONE).send(getReq("/actuator/health/readiness")),
                row("GET /livez", "the liveness probe on the main port").allow(EVERYONE).send(getReq("/livez")),
                row("GET /readyz", "the readiness probe on the main port").allow(EVERYONE).send(getReq("/readyz")),
                row("GET /actuator/health", "the health root would list the groups: nobody").anonymousGets(403)
                        .send(getReq("/actuator/health")),
                row("GET /actuator", "Actuator's index: nobody").anonymousGets(403).send(getReq("/actuator")),
                row("GET /actuator/prometheus", "metrics only on the management port, never here").anonymousGets(403)
                        .send(getReq("/actuator/prometheus")),

                // Second factors: one's own, and an administrator's reset of someone's.
                row("GET /api/factors", "one's own factors, no secret").allow(SIGNED_IN).send(getReq("/api/factors")),
                row("POST /api/factors/totp", "one's own app; the privileged here have one already").allow(SIGNED_IN)
                        .answers(s -> s == 200 || s == 409, "200, or 409 when enrolled")
                        .send(json("POST", "/api/factors/totp", Map.of())),
                row("POST /api/factors/totp/confirm", "one's own app's first code").allow(SIGNED_IN)
                        .answers(400, "a wrong code").send(json("POST", "/api/factors/totp/confirm",
                                Map.of("code", "000000"))),
                row("POST /api/factors/totp/verify", "one's own app's code").allow(SIGNED_IN)
                        .answers(400, "a wrong code").send(json("POST", "/api/factors/totp/verify",
                                Map.of("code", "000000"))),
                row("POST /api/factors/recovery", "one's own recovery code").allow(SIGNED_IN)
                        .answers(400, "a wrong code").send(json("POST", "/api/factors/recovery",
                                Map.of("code", "AAAA-BBBB-CCCC"))),
                // Passkeys: Spring Security's own endpoints (filters), behind PasskeyGuard. Anyone signed in with a
                // password (the privileged here have completed their factor, the others need none).
                row("POST /webauthn/register/options", "one's own passkey's creation options").allow(SIGNED_IN)
                        .send(json("POST", "/webauthn/register/options", null)),
                row("POST /webauthn/register", "one's own passkey").allow(SIGNED_IN)
                        .answers(400, "reached: not a browser's attestation").send(json("POST", "/webauthn/register",
                                Map.of("publicKey", Map.of("label", "test", "credential", Map.of())))),
                row("DELETE /webauthn/register/{id}", "nobody: passkeys go by an administrator's reset").allow(NOBODY)
                        .send(new Req("DELETE", "/webauthn/register/AAAA", null, null)),
                row("POST /webauthn/authenticate/options", "the passkey step of one's own sign-in").allow(SIGNED_IN)
                        .send(json("POST", "/webauthn/authenticate/options", null)),
                row("POST /login/webauthn", "the passkey step of one's own sign-in").allow(SIGNED_IN)
                        .answers(401, "reached: not a passkey's assertion").send(json("POST", "/login/webauthn",
                                Map.of())),
                row("POST /api/admin/users/{username}/factors/reset", "administrators").allow(ADMIN)
                        .send(json("POST", "/api/admin/users/resettest/factors/reset", null)),
                row("GET /api/account", "one's own account").allow(SIGNED_IN).send(getReq("/api/account")),
                row("POST /api/account/password", "everyone changes their own, with the current password")
                        .allow(SIGNED_IN).answers(400, "reached: the current password given is wrong")
                        .send(json("POST", "/api/account/password", Map.of("current", "not-the-password",
                                "next", "a long enough test passphrase"))),

                // Accounts: the administrators' alone, and nothing of callers or victims is in them.
                row("GET /api/admin/options", "administrators: roles, agencies, languages").allow(ADMIN)
                        .send(getReq("/api/admin/options")),
                row("GET /api/admin/users", "administrators").allow(ADMIN).send(getReq("/api/admin/users")),
                row("GET /api/admin/users/{id}", "administrators").allow(ADMIN)
                        .send(getReq("/api/admin/users/" + accountsToChange.get("fixture-edit"))),
                row("POST /api/admin/users", "administrators").allow(ADMIN).answers(201, "created")
                        .send(json("POST", "/api/admin/users", Map.of("username", "fixture-new", "displayName",
                                "Test New Account (fake)", "role", "OPERATOR", "languages", List.of("en")))),
                row("PUT /api/admin/users/{id}", "administrators").allow(ADMIN)
                        .send(json("PUT", "/api/admin/users/" + accountsToChange.get("fixture-edit"),
                                Map.of("displayName", "Test Edited Account (fake)", "role", "SUPERVISOR",
                                        "languages", List.of("en")))),
                row("POST /api/admin/users/{id}/disable", "administrators").allow(ADMIN)
                        .send(json("POST", "/api/admin/users/" + accountsToChange.get("fixture-disable")
                                + "/disable", null)),
                row("POST /api/admin/users/{id}/enable", "administrators").allow(ADMIN)
                        .send(json("POST", "/api/admin/users/" + accountsToChange.get("fixture-enable")
                                + "/enable", null)),
                row("POST /api/admin/users/{id}/password-reset", "administrators").allow(ADMIN)
                        .send(json("POST", "/api/admin/users/" + accountsToChange.get("fixture-reset")
                                + "/password-reset", null)),

                // The hotline form.
                row("GET /api/forms/hotline", "the form's definition, no data").allow(STAFF)
                        .send(getReq("/api/forms/hotline")),
                row("GET /api/reports/drafts", "the caller's own drafts (none for anyone but operators)")
                        .allow(STAFF).send(getReq("/api/reports/drafts")),
                row("GET /api/reports/{id}", "the operator it rang at, supervisors; data managers as the case's "
                        + "rule says (the other data manager: fields that name no one)")
                        .allow(OPERATOR_ON_CALL, SUPERVISOR, DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER, LEADER)
                        .hide(OTHER_OPERATOR, ADMIN).send(getReq("/api/reports/" + report)),
                row("PUT /api/reports/{id}/fields/{field}", "only the operator the call rang at fills its form")
                        .allow(OPERATOR_ON_CALL)
                        .hide(OTHER_OPERATOR, SUPERVISOR, ADMIN, DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER, LEADER)
                        .send(json("PUT", "/api/reports/" + draftToEdit + "/fields/situation",
                                Map.of("value", "OCCURRED"))),
                row("POST /api/reports/{id}/submit", "only the operator the call rang at submits it")
                        .allow(OPERATOR_ON_CALL)
                        .hide(OTHER_OPERATOR, SUPERVISOR, ADMIN, DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER, LEADER)
                        .send(json("POST", "/api/reports/" + draftToSubmit + "/submit", null)),

                // The call log and the live queue.
                row("GET /api/calllog", "reviewers").allow(REVIEWERS).send(getReq("/api/calllog")),
                row("GET /api/calllog/{id}", "reviewers").allow(REVIEWERS).send(getReq("/api/calllog/" + call)),
                row("GET /api/operators", "reviewers").allow(REVIEWERS).send(getReq("/api/operators")),
                row("GET /api/live/queue", "reviewers").allow(REVIEWERS).send(getReq("/api/live/queue")),
                row("GET /api/floor", "the floor's figures and operators' states (staff data, nothing about "
                        + "callers): supervisors, administrators and the wall display").allow(FLOOR)
                        .send(getReq("/api/floor?interval=DAY")),
                row("GET /api/floor/alerts", "the floor's alerts, naming no one: those who see the floor")
                        .allow(FLOOR).send(getReq("/api/floor/alerts")),
                row("GET /api/live/alarms", "reviewers: urgent calls waiting with nobody free, naming no one")
                        .allow(REVIEWERS).send(getReq("/api/live/alarms")),
                // Operators' states (issue 20): staff data, nothing of callers.
                row("POST /api/operator-states/{operator}/away", "supervisors set an operator away (audited)")
                        .allow(SUPERVISOR)
                        .send(json("POST", "/api/operator-states/" + awayOperator + "/away", Map.of("reason",
                                "MEETING"))),
                row("GET /api/operator-states", "who was available when: supervisors and administrators")
                        .allow(SUPERVISOR, ADMIN).send(getReq("/api/operator-states?day=" + today)),
                // Floor reports (issue 20): figures and operators' working time, nothing of callers; the data
                // management leader produces reports, data managers and operators do not read colleagues' times.
                row("GET /api/floor-reports", "floor reports (staff data): supervisors, administrators, the leader")
                        .allow(SUPERVISOR, ADMIN, LEADER).send(getReq("/api/floor-reports?period=WEEK")),
                // Who read what (issue 21): the auditor and the leader; never administrators (least privilege).
                row("GET /api/trail", "the audit trail (who did what to which record, no contents): the auditor and "
                        + "the leader; each look is itself audited").allow(AUDITOR, LEADER)
                        .send(getReq("/api/trail?limit=20")),
                row("GET /api/trail/options", "the trail's filters (people by name, actions): the auditor and the "
                        + "leader").allow(AUDITOR, LEADER).send(getReq("/api/trail/options")),
                // Retention (issue 21, item 5): batches name no one, but approving erases for good: the leader alone.
                // No batch is proposed here (every rule is off): the leader's approval and rejection of an unknown
                // batch are answered 404, past the rules; the service's own checks are RetentionTest's.
                row("GET /api/retention", "the retention rules and batches, in words: the leader alone")
                        .allow(LEADER).send(getReq("/api/retention")),
                row("POST /api/retention/batches/{id}/approve", "the leader alone").allow(LEADER)
                        .send(json("POST", "/api/retention/batches/" + UUID.randomUUID() + "/approve", Map.of()))
                        .answers(404, "no such batch"),
                row("POST /api/retention/batches/{id}/reject", "the leader alone").allow(LEADER)
                        .send(json("POST", "/api/retention/batches/" + UUID.randomUUID() + "/reject",
                                Map.of("note", "kept (test)")))
                        .answers(404, "no such batch"),
                row("GET /api/console/call", "an operator's own call (their seat only), for a reloaded console")
                        .allow(OPERATORS).send(getReq("/api/console/call")),
                row("GET /api/console/quiet-script", "operators: the yes/no script and cover story, no data")
                        .allow(OPERATORS).send(getReq("/api/console/quiet-script")),
                row("POST /api/console/calls/{callId}/quiet-mode", "only the operator on the call switches it to the "
                        + "yes/no script").allow(OPERATOR_ON_CALL)
                        .send(json("POST", "/api/console/calls/" + quietCall + "/quiet-mode", null)),
                // After the switch above: the operator's own safe end hangs the call up.
                row("POST /api/console/calls/{callId}/safe-end", "only the operator talking on the call ends it")
                        .allow(OPERATOR_ON_CALL).send(who -> {
                            // The line reports the end a moment after the answer: awaitQuiet waits for it.
                            safeEndSent |= who == OPERATOR_ON_CALL;
                            return json("POST", "/api/console/calls/" + quietCall + "/safe-end", null);
                        }),

                // Consults and warm transfers (issue 20 F): an operator's own call. The door lets operators in; the
                // call's rules refuse one who is not talking on it (409 in words), as the fixture's call has ended.
                row("GET /api/console/colleagues", "operators: the others at their seats, names and languages only")
                        .allow(OPERATORS).send(getReq("/api/console/colleagues")),
                row("POST /api/console/calls/{callId}/consult", "operators; only the one talking on the call gets "
                        + "past its rules").allow(OPERATORS).answers(409, "not their call, or nobody to ask")
                        // An operator who is never available: the try can start no consult, whoever makes it.
                        .send(json("POST", "/api/console/calls/" + call + "/consult", Map.of("colleague",
                                awayOperator))),
                row("POST /api/console/calls/{callId}/consult/hand-over", "operators; only the one asking a colleague "
                        + "about the call hands it over").allow(OPERATORS).answers(409, "nobody is being asked")
                        .send(json("POST", "/api/console/calls/" + call + "/consult/hand-over", null)),
                row("DELETE /api/console/calls/{callId}/consult", "operators; nothing changes unless they ask a "
                        + "colleague about the call").allow(OPERATORS)
                        .send(json("DELETE", "/api/console/calls/" + call + "/consult", null)),

                row("GET /api/console/interpreters", "operators: the directory's interpreter lines by name, no number")
                        .allow(OPERATORS).send(getReq("/api/console/interpreters")),
                row("POST /api/console/calls/{callId}/interpreter", "operators; the fixture's directory has no "
                        + "interpreter line, so the try is refused in words").allow(OPERATORS)
                        .answers(400, "no such interpreter line")
                        .send(json("POST", "/api/console/calls/" + call + "/interpreter", Map.of("agency",
                                "test-police"))),

                // Listening in (issue 20): a supervisor's own phone on a call; the answer says only the mode. The
                // fixture's call is talked on (200, the simulated line bridges the supervisor in) or has ended (409).
                row("POST /api/supervision/calls/{callId}", "supervisors alone: listening in reads the call")
                        .allow(SUPERVISOR).answers(s -> s == 200 || s == 409, "200, or 409 once the call ended")
                        .send(json("POST", "/api/supervision/calls/" + call, Map.of("mode", "LISTEN"))),
                row("GET /api/supervision/calls/{callId}", "supervisors alone: whether they are on the call")
                        .allow(SUPERVISOR).send(getReq("/api/supervision/calls/" + call)),
                row("DELETE /api/supervision/calls/{callId}", "supervisors alone: their own leg off the call")
                        .allow(SUPERVISOR).send(json("DELETE", "/api/supervision/calls/" + call, null)),
                row("GET /api/supervision/mine", "supervisors alone: the calls they are on now, for a page "
                        + "opened again").allow(SUPERVISOR).send(getReq("/api/supervision/mine")),

                // Repeat callers (issue 18, item 6): earlier contacts and flags are personal data.
                row("GET /api/calls/{callId}/earlier-contacts", "supervisors; an operator only while the call rings at "
                        + "or talks with them, and this call has ended").allow(SUPERVISOR)
                        .send(getReq("/api/calls/" + call + "/earlier-contacts")),
                row("POST /api/calls/{callId}/caller-flags", "supervisors alone").allow(SUPERVISOR)
                        .send(json("POST", "/api/calls/" + call + "/caller-flags", Map.of("kind", "PRANK",
                                "days", 7, "note", "test flag from the matrix (fake)"))),
                row("GET /api/caller-flags", "supervisors alone: a flag's note may name someone").allow(SUPERVISOR)
                        .send(getReq("/api/caller-flags")),
                row("POST /api/caller-flags/{id}/lift", "supervisors alone").allow(SUPERVISOR)
                        .send(json("POST", "/api/caller-flags/" + flagToLift + "/lift", null)),

                // Escalations.
                row("GET /api/directory", "the agencies an escalation can go to, no alert targets").allow(STAFF)
                        .send(getReq("/api/directory")),
                row("POST /api/calls/{callId}/escalations", "the operator on the call, supervisors")
                        .allow(OPERATOR_ON_CALL, SUPERVISOR)
                        .send(json("POST", "/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                                "level", "URGENT", "danger", "OTHER",
                                "reason", "Fakereason: from the matrix (fake)"))),
                row("GET /api/calls/{callId}/escalations", "the operator on the call, supervisors")
                        .allow(OPERATOR_ON_CALL, SUPERVISOR).send(getReq("/api/calls/" + call + "/escalations")),
                // Contacts outside the phone line (issue 18): an operator records their own, a supervisor any
                // operator's; the answer names the draft and the staff, never a number in full.
                row("POST /api/offline-contacts", "operators and supervisors: a contact that did not come by phone")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR).send(json("POST", "/api/offline-contacts",
                                Map.of("channel", "LETTER", "contactedAt", java.time.LocalDateTime
                                        .now(java.time.ZoneId.of("America/Jamaica")).minusHours(1)
                                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString()))),
                row("GET /api/offline-contacts/options", "operators and supervisors: channels, operators' names")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR)
                        .send(getReq("/api/offline-contacts/options")),
                row("POST /api/escalations/{id}/disclosure", "the operator on the call, supervisors")
                        .allow(OPERATOR_ON_CALL, SUPERVISOR)
                        .send(who -> json("POST", "/api/escalations/" + disclosedEscalations.getOrDefault(who,
                                otherAgencyEscalation) + "/disclosure", Map.of("basis", "OVERRIDE_IMMINENT_DANGER",
                                "justification", "the test situation is urgent (fake)"))),
                row("GET /api/escalations/{id}", "the operator on the call, supervisors (with the outcome's note)")
                        .allow(OPERATOR_ON_CALL, SUPERVISOR).send(getReq("/api/escalations/" + policeEscalation)),
                row("GET /api/escalations", "reviewers: what is open, naming no one").allow(REVIEWERS)
                        .send(getReq("/api/escalations")),
                row("GET /api/escalations/overrides", "supervisors alone: each override's justification is free "
                        + "text that may name someone").allow(SUPERVISOR)
                        .send(getReq("/api/escalations/overrides")),
                row("GET /api/escalations/alert-failures", "supervisors alone: failed deliveries and the senders' "
                        + "reasons, no caller or victim").allow(SUPERVISOR)
                        .send(getReq("/api/escalations/alert-failures")),
                row("POST /api/escalations/{id}/close", "supervisors alone").allow(SUPERVISOR)
                        .send(json("POST", "/api/escalations/" + closableEscalation + "/close",
                                Map.of("reason", "test: handled (fake)"))),
                row("GET /api/liaison/escalations", "each agency's liaison, their agency's only")
                        .allow(POLICE_LIAISON, OTHER_AGENCY_LIAISON).send(getReq("/api/liaison/escalations")),
                row("GET /api/liaison/escalations/{id}", "the agency's liaison; another agency's does not learn it "
                        + "exists").allow(POLICE_LIAISON).hide(OTHER_AGENCY_LIAISON)
                        .send(getReq("/api/liaison/escalations/" + policeEscalation)),
                row("POST /api/liaison/escalations/{id}/acknowledge", "the agency's liaison").allow(POLICE_LIAISON)
                        .send(json("POST", "/api/liaison/escalations/" + policeEscalation + "/acknowledge", null)),
                row("POST /api/liaison/escalations/{id}/outcome", "the agency's liaison").allow(POLICE_LIAISON)
                        .send(json("POST", "/api/liaison/escalations/" + policeEscalation + "/outcome",
                                Map.of("outcome", "OFFICERS_DISPATCHED",
                                        "note", "Fakeoutcome: two officers of the test unit sent (fake)"))),

                // The registry.
                row("GET /api/forms/case", "registry users").allow(REGISTRY).send(getReq("/api/forms/case")),
                row("GET /api/cases", "registry users: no personal field").allow(REGISTRY)
                        .send(getReq("/api/cases")),
                row("GET /api/cases/assignees", "registry users: the data managers' names, to assign by name")
                        .allow(REGISTRY).send(getReq("/api/cases/assignees")),
                row("GET /api/cases/{id}", "registry users; personal fields for the case's own and the leader")
                        .allow(REGISTRY).send(getReq(cases)),
                row("GET /api/cases/{id}/candidates", "registry users").allow(REGISTRY)
                        .send(getReq(cases + "/candidates")),
                row("GET /api/cases/{id}/history", "registry users").allow(REGISTRY).send(getReq(cases + "/history")),
                row("GET /api/cases/{id}/sources/{report}", "registry users; personal fields as for the case")
                        .allow(REGISTRY).send(getReq("/api/cases/" + onlineCase + "/sources/" + onlineReport)),
                row("GET /api/cases/{id}/documents", "registry users see the list").allow(REGISTRY)
                        .send(getReq(cases + "/documents")),
                row("GET /api/cases/{id}/documents/{document}", "the case's data manager and the leader")
                        .allow(CASE_WORKERS).send(getReq(cases + "/documents/" + document)),
                row("POST /api/cases/{id}/documents", "the case's data manager and the leader").allow(CASE_WORKERS)
                        .send(new Req("POST", cases + "/documents?kind=MEDICAL_REPORT", "application/pdf", pdf())),
                row("PUT /api/cases/{id}/fields/{field}", "the case's data manager and the leader")
                        .allow(CASE_WORKERS).send(json("PUT", cases + "/fields/firstNames",
                                Map.of("value", "Testfirst Fakecasename"))),
                row("POST /api/cases/{id}/consent", "the case's data manager and the leader").allow(CASE_WORKERS)
                        .send(json("POST", cases + "/consent", consent())),
                row("POST /api/cases/{id}/status", "the case's data manager and the leader").allow(CASE_WORKERS)
                        .send(who -> json("POST", "/api/cases/" + statusCases.getOrDefault(who, hotlineCase)
                                + "/status", Map.of("status", "UNDER_ASSESSMENT"))),
                row("POST /api/cases/{id}/assign", "the leader; a data manager only takes an unassigned case, and "
                        + "this one is taken").allow(LEADER)
                        .send(json("POST", cases + "/assign", Map.of("to", "datamanager"))),
                row("POST /api/cases/{id}/merge", "whoever may work on both cases").allow(CASE_WORKERS)
                        .send(who -> {
                            String[] pair = mergePairs.getOrDefault(who, mergePairs.get(DATA_MANAGER_OF_CASE));
                            return json("POST", "/api/cases/" + pair[0] + "/merge", Map.of("into", pair[1],
                                    "note", "the same test situation (fake)"));
                        }),
                row("POST /api/cases/{id}/sources/{report}/move", "whoever may work on both cases")
                        .allow(CASE_WORKERS).send(who -> {
                            String[] move = moves.getOrDefault(who, moves.get(DATA_MANAGER_OF_CASE));
                            return json("POST", "/api/cases/" + move[0] + "/sources/" + move[1] + "/move",
                                    Map.of("to", move[2], "note", "this report is about the other test case (fake)"));
                        }),
                row("POST /api/cases/{id}/relate", "whoever may work on the case").allow(CASE_WORKERS)
                        .send(json("POST", cases + "/relate", Map.of("other", onlineCase,
                                "reason", "the same test work site (fake)"))),

                // Exports and statistics.
                row("GET /api/exports/htcds", "registry users: nothing that names anyone").allow(REGISTRY)
                        .send(getReq("/api/exports/htcds?from=" + today + "&to=" + today)),
                row("POST /api/exports/requests", "a data manager for their own cases, the leader for any")
                        .allow(CASE_WORKERS).send(json("POST", "/api/exports/requests", exportAsk())),
                row("GET /api/exports/requests", "registry users (their own requests; the leader all)")
                        .allow(REGISTRY).send(getReq("/api/exports/requests")),
                row("GET /api/exports/requests/{id}", "the requester and the leader; to another data manager it "
                        + "does not exist").allow(CASE_WORKERS).hide(OTHER_DATA_MANAGER)
                        .send(getReq("/api/exports/requests/" + exportApproved)),
                row("POST /api/exports/requests/{id}/approve", "a leader who did not ask").allow(LEADER)
                        .send(json("POST", "/api/exports/requests/" + exportToApprove + "/approve",
                                Map.of("note", "checked (test)"))),
                row("POST /api/exports/requests/{id}/reject", "a leader who did not ask").allow(LEADER)
                        .send(json("POST", "/api/exports/requests/" + exportToReject + "/reject",
                                Map.of("note", "not needed (test)"))),
                row("GET /api/exports/requests/{id}/download", "the requester alone; to another data manager it "
                        + "does not exist").allow(DATA_MANAGER_OF_CASE).hide(OTHER_DATA_MANAGER)
                        .send(getReq("/api/exports/requests/" + exportApproved + "/download?format=csv")),
                row("GET /api/statistics/quarterly", "registry users").allow(REGISTRY)
                        .send(getReq("/api/statistics/quarterly?year=" + LocalDate.now(ZoneOffset.UTC).getYear()
                                + "&quarter=" + quarter)),

                // Screening forms.
                row("GET /api/forms/screening", "agency reporters").allow(AGENCY_REPORTER)
                        .send(getReq("/api/forms/screening")),
                row("POST /api/screenings", "agency reporters; a receipt comes back, never the data")
                        .allow(AGENCY_REPORTER).send(json("POST", "/api/screenings", Map.of("situation",
                                "POTENTIAL", "traffickingTypes", List.of("LABOUR")))),
                row("GET /api/screenings/receipts", "agency reporters, their own receipts").allow(AGENCY_REPORTER)
                        .send(getReq("/api/screenings/receipts")),

                // The simulated line (only when switched on, never in production): staff place test calls; an
                // administrator, who never handles calls, may not put any into the live queue.
                row("POST /api/sim/calls", "staff: a test call (it stays in the IVR here)").allow(SIMULATED_LINE)
                        .send(json("POST", "/api/sim/calls", Map.of("callerNumber", "+1 555 0100 046",
                                "language", "en", "stayInIvr", true))),
                row("GET /api/sim/calls", "staff: the test calls, no numbers").allow(SIMULATED_LINE)
                        .send(getReq("/api/sim/calls")),
                row("POST /api/sim/calls/{providerCallId}/caller-hangup", "staff: the caller of a test call")
                        .allow(SIMULATED_LINE).send(who -> json("POST", "/api/sim/calls/"
                                + placedCalls.getOrDefault(who, ivrCall) + "/caller-hangup", null)),
                row("POST /api/sim/calls/{providerCallId}/answer", "staff reach it; the line answers only the phone "
                        + "it rings at").allow(SIMULATED_LINE).answers(409, "not ringing at you")
                        .send(json("POST", "/api/sim/calls/" + ivrCall + "/answer", null)),
                row("POST /api/sim/calls/{providerCallId}/operator-hangup", "staff reach it; only the operator "
                        + "talking hangs up").allow(SIMULATED_LINE).answers(409, "not talking on it")
                        .send(json("POST", "/api/sim/calls/" + ivrCall + "/operator-hangup", null)),
                // callback-dial: the person at the other end of a simulated callback (an incoming test call is none).
                row("POST /api/sim/calls/{providerCallId}/callee-answers", "staff reach it; only a callback's person "
                        + "answers").allow(SIMULATED_LINE).answers(409, "not a call the hotline dialled")
                        .send(json("POST", "/api/sim/calls/" + ivrCall + "/callee-answers", null)),
                row("POST /api/sim/calls/{providerCallId}/nobody-answers", "staff reach it; only a callback goes "
                        + "unanswered").allow(SIMULATED_LINE).answers(409, "not a call the hotline dialled")
                        .send(json("POST", "/api/sim/calls/" + ivrCall + "/nobody-answers", null)),

                // The callback queue (issue 18): masked numbers only; operators work it, supervisors too. The
                // fixture's task is do-not-call, so the allowed tries are refused by the queue's rules, not the door.
                row("GET /api/callbacks", "operators and supervisors; masked numbers only")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR).send(getReq("/api/callbacks")),
                row("GET /api/callbacks/{id}", "operators and supervisors; masked numbers only")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR)
                        .send(getReq("/api/callbacks/" + doNotCallTask)),
                row("POST /api/callbacks/{id}/take", "operators and supervisors; a do-not-call caller is never dialled")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR).answers(409, "must not be called")
                        .send(json("POST", "/api/callbacks/" + doNotCallTask + "/take", null)),
                row("POST /api/callbacks/{id}/release", "operators and supervisors (the taker, or a supervisor)")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR).answers(409, "nobody is working it")
                        .send(json("POST", "/api/callbacks/" + doNotCallTask + "/release", null)),
                row("POST /api/callbacks/{id}/outcome", "operators and supervisors (the taker, or a supervisor)")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR).answers(409, "nobody is working it")
                        .send(json("POST", "/api/callbacks/" + doNotCallTask + "/outcome",
                                Map.of("outcome", "REACHED"))),
                row("POST /api/callbacks/{id}/noted", "operators and supervisors set a do-not-call task aside")
                        .allow(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR)
                        .answers(s -> s == 200 || s == 409, "200 the first time, then 409 already closed")
                        .send(json("POST", "/api/callbacks/" + doNotCallTask + "/noted", null)),
                // What the agency alerted by the phone menu learns of the way back: whether a callback exists and
                // where it stands, never the number; another agency does not learn the escalation exists.
                row("GET /api/liaison/escalations/{id}/callback", "the agency's liaison").allow(POLICE_LIAISON)
                        .hide(OTHER_AGENCY_LIAISON)
                        .send(getReq("/api/liaison/escalations/" + policeEscalation + "/callback")),
                row("POST /api/liaison/escalations/{id}/callback", "the agency's liaison asks for the call back")
                        .allow(POLICE_LIAISON).hide(OTHER_AGENCY_LIAISON).answers(409, "its call was answered")
                        .send(json("POST", "/api/liaison/escalations/" + policeEscalation + "/callback", null)),

                // The administrators' system status: links, database, alert channels, key ids, sign-in failures;
                // none of the fixtures' personal data may appear in it (checked for every allowed answer).
                row("GET /api/admin/status", "administrators alone; no personal data").allow(ADMIN)
                        .send(getReq("/api/admin/status")),
                // The audit trail's check: row ids, entry numbers and times in words; the look itself is audited.
                row("POST /api/admin/audit-check", "administrators alone; no personal data").allow(ADMIN)
                        .send(json("POST", "/api/admin/audit-check", null)),

                // Twilio: the browser phone's token, and the webhooks, whose only authority is Twilio's signature.
                row("GET /api/twilio/token", "operators' browser phones").allow(OPERATORS)
                        .send(getReq("/api/twilio/token"))));
        for (String webhook : List.of("voice", "ivr", "queued", "wait", "fallback", "fallback-done", "voicemail",
                "connect", "operator-status", "dial-done", "conference", "escalation-status", "conference-status",
                "status")) {
            rows.add(row("POST /twilio/" + webhook, "Twilio's signature only: a session is no authority")
                    .anonymousGets(403).send(form("/twilio/" + webhook, "CallSid=CA" + "0".repeat(32)
                            + "&AccountSid=" + ACCOUNT + "&From=%2B15550100042")));
        }
        // callback-dial: the status of a callback's two legs and the operator's TwiML, signed like the others.
        for (String webhook : List.of("callback/operator", "callback/operator-status", "callback/status")) {
            rows.add(row("POST /twilio/" + webhook, "Twilio's signature only: a session is no authority")
                    .anonymousGets(403).send(form("/twilio/" + webhook + "?call=cb-" + java.util.UUID.randomUUID(),
                            "CallSid=CA" + "0".repeat(32) + "&AccountSid=" + ACCOUNT + "&CallStatus=completed")));
        }
        return rows;
    }

    private static Req getReq(String path) {
        return new Req("GET", path, null, null);
    }

    private static Req json(String method, String path, Object body) {
        return new Req(method, path, body == null ? null : "application/json",
                body == null ? null : JSON.writeValueAsBytes(body));
    }

    private static Req form(String path, String form) {
        return new Req("POST", path, "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests

    /**
     * Every endpoint Spring maps (and every one Spring Security's passkey filters answer) has a row, and every row an
     * endpoint: none can be added without saying who.
     */
    @Test
    @Order(1)
    void everyEndpointIsInTheTable() {
        Set<String> mapped = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping : hotline.beans(RequestMappingInfoHandlerMapping.class)
                .values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    if (methods.isEmpty()) {
                        mapped.add("* " + pattern);
                    }
                    methods.forEach(m -> mapped.add(m.name() + " " + pattern));
                }
            }
        }
        for (SecurityFilterChain chain : hotline.beans(SecurityFilterChain.class).values()) {
            for (Filter filter : chain.getFilters()) {
                String type = filter.getClass().getName();
                if (ENDPOINT_FILTER_PACKAGES.stream().anyMatch(type::startsWith)) {
                    mapped.addAll(FILTER_ENDPOINTS.getOrDefault(filter.getClass().getSimpleName(),
                            List.of("a filter that may answer endpoints: " + type)));
                }
            }
        }
        Set<String> declared = new TreeSet<>(table().stream().map(r -> r.key).toList());
        assertThat(mapped).as("endpoints mapped but not in the table (say who may use them)")
                .isSubsetOf(declared);
        assertThat(declared).as("rows of the table for endpoints that no longer exist").isSubsetOf(mapped);
    }

    /**
     * Every endpoint as every user. Denied users go first, with requests that would work if they were allowed,
     * then the allowed ones; failures are collected so one run shows the whole matrix.
     */
    @Test
    @Order(2)
    void everyEndpointAsEveryUser() throws Exception {
        List<String> failures = new ArrayList<>();
        List<Row> table = table();
        int calls = 0;
        int personal = 0;
        for (Row row : table) {
            for (Who who : EVERYONE) {
                if (!row.allowed.contains(who)) {
                    calls++;
                    denied(row, who, failures);
                }
            }
            for (Who who : row.allowed) {
                calls++;
                personal += allowed(row, who, failures) ? 1 : 0;
            }
            awaitQuiet();
        }
        System.out.printf("need to know: %d endpoints x %d users = %d calls, %d allowed answers with personal data%n",
                table.size(), EVERYONE.size(), calls, personal);
        assertThat(failures).as("need-to-know failures").isEmpty();
    }

    private static void denied(Row row, Who who, List<String> failures) throws Exception {
        String before = fingerprint();
        Req req = row.request.apply(who);
        Answer answer = send(who, req);
        String where = who + " " + req.method() + " " + req.path() + " [" + row.key + "]: ";
        int expected = row.denial(who, req);
        if (answer.status() != expected) {
            failures.add(where + "expected " + expected + " (denied), got " + answer.status() + " " + shorten(answer));
        }
        if (expected == 302 && !answer.headers().firstValue("Location").orElse("").endsWith("/login")) {
            failures.add(where + "a denied page must send to the login form, not to "
                    + answer.headers().firstValue("Location").orElse("nowhere"));
        }
        for (Secret secret : Secret.values()) {
            for (String marker : secret.markers) {
                if (answer.body().contains(marker)) {
                    failures.add(where + "a refusal carries " + secret + " data");
                }
            }
        }
        String body = answer.body().strip();
        if (body.startsWith("{")) {
            Set<String> keys = new TreeSet<>(JSON.readTree(body).propertyNames());
            if (!ERROR_KEYS.containsAll(keys)) {
                failures.add(where + "a refusal says more than an error: " + keys);
            }
        } else if (body.startsWith("[")) {
            failures.add(where + "a refusal with a list in it");
        }
        String after = fingerprint();
        if (!before.equals(after)) {
            failures.add(where + "the database changed: " + difference(before, after));
        }
    }

    /** Returns whether the answer carried personal data. */
    private static boolean allowed(Row row, Who who, List<String> failures) throws Exception {
        long lastAudit = lastAudit();
        Req req = row.request.apply(who);
        Answer answer = send(who, req);
        String where = who + " " + req.method() + " " + req.path() + " [" + row.key + "]: ";
        if (!row.allowedAnswer.test(answer.status())) {
            failures.add(where + "allowed, expected " + row.allowedAnswerText + ", got " + answer.status() + " "
                    + shorten(answer));
        }
        if (answer.status() == 302 && answer.headers().firstValue("Location").orElse("").endsWith("/login")) {
            failures.add(where + "allowed, but sent to the login form");
        }
        boolean personal = false;
        for (Secret secret : Secret.values()) {
            for (String marker : secret.markers) {
                if (answer.body().contains(marker)) {
                    personal = true;
                    if (!secret.readers.contains(who)) {
                        failures.add(where + "LEAK: the answer carries " + secret + " data");
                    }
                }
            }
        }
        if (personal && db.fetchCount(AUDIT_LOG, AUDIT_LOG.ID.gt(lastAudit)
                .and(AUDIT_LOG.ACTOR.eq(who.username))) == 0) {
            failures.add(where + "personal data read without an audit row");
        }
        if (row.key.equals("POST /api/sim/calls") && answer.status() == 201) {
            // The caller-hangup row has each user hang up the call they placed here.
            placedCalls.put(who, JSON.readTree(answer.body()).get("providerCallId").asString());
        }
        return personal;
    }

    /**
     * A half-signed-in user (password only) in every privileged role reaches the enrolment APIs and nothing else:
     * each of the fixtures' own privileged users (enrolled, second factor not given in this session) and a new user
     * of each privileged role with no factor at all. Each try is the request that works for the fully signed-in user
     * of that role; it must be refused (403, or for a page a redirect to enrolment), carry none of the data and change
     * nothing.
     */
    @Test
    @Order(4)
    void aHalfSignedInUserInEveryPrivilegedRoleReachesOnlyEnrolment() throws Exception {
        Map<String, Who> halfSignedIn = new LinkedHashMap<>();
        for (Who who : PRIVILEGED) {
            halfSignedIn.put(who.username, who);
        }
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        Map<Who, Role> roles = Map.of(SUPERVISOR, Role.SUPERVISOR, ADMIN, Role.ADMIN, DATA_MANAGER_OF_CASE,
                Role.DATA_MANAGER, LEADER, Role.DATA_MANAGEMENT_LEADER, AUDITOR, Role.AUDITOR);
        for (Map.Entry<Who, Role> role : roles.entrySet()) {
            String username = "unenrolled-" + role.getValue().name().toLowerCase().replace('_', '-');
            operators.create(username, "Unenrolled Fakename", passwords.encode(username + "-pass"), role.getValue(),
                    List.of("en"), null);
            halfSignedIn.put(username, role.getKey());
        }
        List<String> failures = new ArrayList<>();
        int tries = 0;
        for (Map.Entry<String, Who> user : halfSignedIn.entrySet()) {
            String password = user.getKey().startsWith("unenrolled-") ? user.getKey() + "-pass"
                    : user.getValue().password;
            ConsoleClient client = ConsoleClient.login(hotline.base(), user.getKey(), password);
            Session session = new Session(client.sessionCookie(), client.csrfHeader(), client.csrfToken());
            if (!client.get("/api/factors").body().get("required").asBoolean()) {
                failures.add(user.getKey() + ": a second factor is not required");
            }
            for (Row row : table()) {
                boolean publicOrSigned = row.allowed.contains(ANONYMOUS) || row.anonymousAnswer != null;
                if (ENROLMENT.contains(row.key) || publicOrSigned) {
                    continue;
                }
                tries++;
                String before = fingerprint();
                Req req = row.request.apply(user.getValue());
                Answer answer = send(session, req);
                String where = user.getKey() + " (half-signed-in) " + req.method() + " " + req.path() + ": ";
                // An API is refused; a page is refused by its role's rule, or sends the browser to enrolment.
                boolean api = req.path().startsWith("/api/") || req.path().startsWith("/ws");
                boolean toEnrolment = answer.status() == 302
                        && answer.headers().firstValue("Location").orElse("").endsWith("/factors.html");
                if (!(answer.status() == 403 || (!api && toEnrolment))) {
                    failures.add(where + "expected 403" + (api ? "" : " or a redirect to enrolment") + ", got "
                            + answer.status() + " " + shorten(answer));
                }
                for (Secret secret : Secret.values()) {
                    for (String marker : secret.markers) {
                        if (answer.body().contains(marker)) {
                            failures.add(where + "a refusal carries " + secret + " data");
                        }
                    }
                }
                if (!before.equals(fingerprint())) {
                    failures.add(where + "the database changed: " + difference(before, fingerprint()));
                }
            }
        }
        System.out.printf("half-signed-in: %d users, %d refused tries%n", halfSignedIn.size(), tries);
        assertThat(tries).isGreaterThan(halfSignedIn.size() * 50);
        assertThat(failures).as("half-signed-in failures").isEmpty();
    }

    /**
     * The live channel: who may subscribe to which topic, who may send where. A refusal is an ERROR frame that
     * ends the session; an allowed subscription receives what is then published on it. Nobody may subscribe by
     * pattern or publish to an agency's topic.
     */
    @Test
    @Order(3)
    void theLiveChannelTopicsAsEveryUser() throws Exception {
        Map<String, Set<Who>> subscriptions = new LinkedHashMap<>();
        Set<Who> supervisorsTopics = EnumSet.of(SUPERVISOR, DATA_MANAGER_OF_CASE, OTHER_DATA_MANAGER);
        subscriptions.put("/topic/supervisor/queue", supervisorsTopics);
        subscriptions.put("/topic/supervisor/escalations", supervisorsTopics);
        subscriptions.put("/topic/callbacks", EnumSet.of(OPERATOR_ON_CALL, OTHER_OPERATOR, SUPERVISOR));
        subscriptions.put("/topic/floor.figures", FLOOR);
        subscriptions.put("/topic/floor.alerts", FLOOR);
        subscriptions.put("/topic/liaison/test-police", EnumSet.of(POLICE_LIAISON));
        subscriptions.put("/topic/liaison/test-child-protection", EnumSet.of(OTHER_AGENCY_LIAISON));
        // The simple broker takes a pattern as a subscription to every topic it matches.
        subscriptions.put("/topic/liaison/*", NOBODY);
        subscriptions.put("/topic/**", NOBODY);
        subscriptions.put("/user/queue/escalations", SIGNED_IN);
        SimpMessagingTemplate messaging = hotline.bean(SimpMessagingTemplate.class);
        List<String> failures = new ArrayList<>();
        // One session at a time: a user's queue reaches only one of several sessions of theirs (seen here with
        // Spring 7.0.8), which is not what this test is about.
        for (Map.Entry<String, Set<Who>> topic : subscriptions.entrySet()) {
            for (Who who : SIGNED_IN) {
                String where = who + " SUBSCRIBE " + topic.getKey() + ": ";
                try (LiveClient live = LiveClient.connect(clients.get(who))) {
                    BlockingQueue<JsonNode> received = live.subscribe(topic.getKey());
                    if (!topic.getValue().contains(who)) {
                        String error = live.errors().poll(5, TimeUnit.SECONDS);
                        if (error == null || !error.startsWith("not allowed")) {
                            failures.add(where + "expected a refusal, got " + error);
                        }
                        continue;
                    }
                    // Published until it arrives: a subscription reaches the broker a moment after it is
                    // accepted, and what the application publishes meanwhile (a queue snapshot) is skipped.
                    String canary = UUID.randomUUID().toString();
                    boolean arrived = false;
                    for (int round = 0; round < 20 && !arrived; round++) {
                        if (topic.getKey().startsWith("/user/")) {
                            messaging.convertAndSendToUser(who.username, topic.getKey().substring("/user".length()),
                                    (Object) Map.of("canary", canary));
                        } else {
                            messaging.convertAndSend(topic.getKey(), (Object) Map.of("canary", canary));
                        }
                        Thread.sleep(250);
                        arrived = received.stream().anyMatch(m -> canary.equals(m.path("canary").asString("")));
                    }
                    if (!arrived) {
                        failures.add(where + "allowed, but nothing published there arrived ("
                                + live.errors().poll() + ")");
                    }
                }
            }
        }

        // Sending: presence is the operators'; an agency's topic is the server's to publish on, nobody else's.
        Map<String, Set<Who>> sends = Map.of("/app/presence", OPERATORS, "/topic/liaison/test-police", NOBODY);
        for (Map.Entry<String, Set<Who>> destination : sends.entrySet()) {
            for (Who who : SIGNED_IN) {
                try (LiveClient live = LiveClient.connect(clients.get(who))) {
                    // The presence handler answers on one queue, or on the other when the router refuses the
                    // change: either way the message got through the rules.
                    BlockingQueue<JsonNode> answers = live.subscribe("/user/queue/presence");
                    BlockingQueue<JsonNode> errors = live.subscribe("/user/queue/errors");
                    Thread.sleep(250);
                    live.send(destination.getKey(), Map.of("presence", "AWAY"));
                    String where = who + " SEND " + destination.getKey() + ": ";
                    if (destination.getValue().contains(who)) {
                        JsonNode answer = answers.poll(5, TimeUnit.SECONDS);
                        if (answer == null && errors.poll() == null) {
                            failures.add(where + "allowed, but no answer (" + live.errors().poll() + ")");
                        }
                    } else {
                        String error = live.errors().poll(5, TimeUnit.SECONDS);
                        if (error == null || !error.startsWith("not allowed")) {
                            failures.add(where + "expected a refusal, got " + error);
                        }
                    }
                }
            }
        }

        // Not signed in: no live channel at all.
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", hotline.base())
                    .buildAsync(URI.create(hotline.base().replace("http://", "ws://") + "/ws"),
                            new java.net.http.WebSocket.Listener() {})
                    .get(5, TimeUnit.SECONDS);
            failures.add("ANONYMOUS opened the live channel");
        } catch (java.util.concurrent.ExecutionException refused) {
            assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                    .isIn(302, 401, 403);
        }
        assertThat(failures).as("live channel need-to-know failures").isEmpty();
    }

    /**
     * The wall display's account reaches no page and no script but its wallboard's, its own account's and the public
     * ones: the pages are static files, outside the endpoint table above, so each is tried here. A page of another
     * role carries no data itself, but the wall display must not even open one (issue 20).
     */
    @Test
    @Order(5)
    void theWallDisplayOpensNoPageButTheWallboardAndItsOwnAccount() throws Exception {
        opensExactly(WALL_DISPLAY, Set.of("/wallboard.html", "/js/wallboard.js"));
    }

    /** Issue 21: the auditor opens the trail's page and its own account, nothing of cases, calls or accounts. */
    @Test
    @Order(5)
    void theAuditorOpensNoPageButTheTrailAndItsOwnAccount() throws Exception {
        opensExactly(AUDITOR, Set.of("/trail.html", "/js/trail.js"));
    }

    /** The pages and scripts that {@code who} reaches (200) are exactly its own, its account's and the public ones. */
    private static void opensExactly(Who who, Set<String> own) throws Exception {
        Set<String> open = new java.util.HashSet<>(own);
        open.addAll(Set.of("/account.html", "/js/account.js",
                "/factors.html", "/js/factors.js", "/js/common.js", "/js/stomp.js",
                // Public: the sign-in and error pages' script, the online form, the quick exit's page.
                "/js/ui.js", "/report.html", "/js/report.js", "/weather.html"));
        List<String> failures = new ArrayList<>();
        int tried = 0;
        org.springframework.core.io.support.PathMatchingResourcePatternResolver files =
                new org.springframework.core.io.support.PathMatchingResourcePatternResolver();
        List<org.springframework.core.io.Resource> pages = new ArrayList<>(List.of(
                files.getResources("classpath*:/static/*.html")));
        pages.addAll(List.of(files.getResources("classpath*:/static/js/*.js")));
        for (org.springframework.core.io.Resource file : pages) {
            String url = file.getURL().toString();
            String path = url.substring(url.lastIndexOf("/static/") + "/static".length());
            tried++;
            Answer answer = send(who, getReq(path).asPage());
            boolean reached = answer.status() == 200;
            if (reached != open.contains(path)) {
                failures.add(path + ": " + answer.status());
            }
        }
        assertThat(tried).as("pages and scripts tried").isGreaterThan(30);
        assertThat(failures).as(who + " reached (200) exactly these: " + open).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTTP and the database

    private static Answer send(Who who, Req req) throws IOException, InterruptedException {
        return send(sessions.get(who), req);
    }

    private static Answer send(Session session, Req req) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hotline.base() + req.path()))
                .timeout(Duration.ofSeconds(20)).header("Accept", req.accept())
                .header("Cookie", "JSESSIONID=" + session.cookie());
        if (!req.method().equals("GET")) {
            b.header(session.csrfHeader(), session.csrfToken());
        }
        if (req.contentType() != null) {
            b.header("Content-Type", req.contentType());
        }
        b.method(req.method(), req.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(req.body()));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body() == null ? "" : r.body(), r.headers());
    }

    /**
     * A digest of every watched table's rows. Of the operators' state log, only changes a person made: the system's
     * own (a console of an earlier step closing late, a call of the set-up ending) land whenever they land, and
     * once landed inside an anonymous request's window on a slow CI machine.
     */
    private static String fingerprint() {
        String sql = String.join(" union all ", WATCHED.stream().map(table -> "select '" + table
                + "' || ' ' || count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '')"
                + " from hotline." + table + " t"
                + (table.equals("operator_state_event") ? " where set_by <> 'SYSTEM'" : "")).toList());
        return String.join("\n", db.fetch(sql).getValues(0, String.class));
    }

    private static String difference(String before, String after) {
        List<String> changed = new ArrayList<>();
        List<String> a = List.of(before.split("\n"));
        List<String> b = List.of(after.split("\n"));
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                changed.add(a.get(i).split(" ")[0]);
            }
        }
        return String.join(", ", changed);
    }

    private static long lastAudit() {
        Long last = db.select(DSL.max(AUDIT_LOG.ID)).from(AUDIT_LOG).fetchOne(0, Long.class);
        return last == null ? 0 : last;
    }

    private static String shorten(Answer answer) {
        String body = answer.body().replaceAll("\\s+", " ");
        return body.length() > 160 ? body.substring(0, 160) + "…" : body;
    }
}
