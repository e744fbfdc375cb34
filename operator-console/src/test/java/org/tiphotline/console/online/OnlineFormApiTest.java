package org.tiphotline.console.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.PublicVisitor;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * The public form through the real stack, not signed in: CSRF, the rate limit, size and content limits, the
 * answer (a reference and nothing else), what else the public session can reach (nothing), and the potential case
 * that the data management leader sees and an operator does not. Each test sends from its own loopback address.
 */
class OnlineFormApiTest {

    private static final int LIMIT = 3;

    @TempDir
    static Path data;

    static RunningHotline hotline;

    @BeforeAll
    static void start() {
        hotline = RunningHotline.start(data, Map.of("hotline.online.reports-per-address", String.valueOf(LIMIT),
                "hotline.jurisdiction.hotline-number", "+1 555 0100",
                "hotline.jurisdiction.places", "Test Parish North,Test Parish South"));
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    private static PublicVisitor visitor(int lastOctet) {
        PublicVisitor visitor = new PublicVisitor(hotline.base(), "127.0.0." + lastOctet);
        visitor.openForm();
        return visitor;
    }

    private static Map<String, Object> anonymousReport() {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("traffickingTypes", List.of("BEGGING"));
        answers.put("victimDescriptors", List.of("MALE", "UNDER_18"));
        answers.put("place", "Test Parish South");
        answers.put("anonymous", true);
        answers.put("reporterSex", "FEMALE");
        answers.put("description", "Fake test report: a boy sent to beg at the fake test junction");
        return Map.of("language", "en", "answers", answers);
    }

    private static long count(String sql, Object... args) throws Exception {
        try (Connection c = hotline.bean(DataSource.class).getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static long reports() throws Exception {
        return count("select count(*) from hotline.online_report");
    }

    @Test
    void theFormTellsPeopleInDangerToCallTheHotline() {
        JsonNode form = new PublicVisitor(hotline.base(), "127.0.0.2").openForm();
        assertThat(form.get("hotlineNumber").asString()).isEqualTo("+1 555 0100");
        assertThat(form.get("languages").toString()).contains("en", "es", "fr");
        assertThat(form.get("fields").toString()).contains("traffickingTypes", "contactPhone", "SEXUAL_EXPLOITATION");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedAndStoresNothing() throws Exception {
        long before = reports();
        PublicVisitor withSession = visitor(3);
        PublicVisitor.Answer noToken = withSession.postRaw("/api/public/reports", toJson(anonymousReport()),
                false);
        assertThat(noToken.status()).isEqualTo(403);

        PublicVisitor noSession = new PublicVisitor(hotline.base(), "127.0.0.3");
        assertThat(noSession.postRaw("/api/public/reports", toJson(anonymousReport()), false).status())
                .isEqualTo(403);
        assertThat(reports()).isEqualTo(before);
    }

    @Test
    void anAcceptedReportIsAnsweredWithItsReferenceOnly() throws Exception {
        PublicVisitor visitor = visitor(4);
        PublicVisitor.Answer answer = visitor.post("/api/public/reports", anonymousReport());

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body().propertyNames()).containsExactly("reference");
        String reference = answer.body().get("reference").asString();
        assertThat(reference).matches("R-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}");
        assertThat(answer.text()).doesNotContain("beg", "Test Parish South", "BEGGING");
        assertThat(count("select count(*) from hotline.online_report where reference = ? and anonymous",
                reference)).isEqualTo(1);
    }

    @Test
    void tooManyReportsFromOneAddressAreRefusedWith429AndOtherAddressesAreNot() throws Exception {
        PublicVisitor busy = visitor(9);
        // Refused attempts count too: probing costs the same as reporting.
        assertThat(busy.post("/api/public/reports", Map.of("language", "xx", "answers", Map.of())).status())
                .isEqualTo(400);
        for (int i = 1; i < LIMIT; i++) {
            assertThat(busy.post("/api/public/reports", anonymousReport()).status()).isEqualTo(201);
        }
        long before = reports();

        PublicVisitor.Answer refused = busy.post("/api/public/reports", anonymousReport());
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 600L);
        assertThat(refused.body().get("message").asString()).contains("too many reports", "call the hotline");
        assertThat(reports()).isEqualTo(before);

        assertThat(visitor(10).post("/api/public/reports", anonymousReport()).status()).isEqualTo(201);
    }

    @Test
    void oversizedMarkedUpOrMalformedInputGetsAClear4xxAndStoresNothing() throws Exception {
        long before = reports();
        long cases = count("select count(*) from hotline.registry_case");

        PublicVisitor huge = visitor(5);
        PublicVisitor.Answer tooLarge = huge.postRaw("/api/public/reports",
                "{\"language\":\"en\",\"answers\":{\"description\":\"" + "x".repeat(100_000) + "\"}}", true);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().get("message").asString()).contains("larger than");

        PublicVisitor visitor = visitor(6);
        Map<String, Object> longText = new LinkedHashMap<>(anonymousReport());
        longText.put("answers", Map.of("description", "x".repeat(4001), "anonymous", true));
        PublicVisitor.Answer tooLong = visitor.post("/api/public/reports", longText);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().get("fields").get("description").asString()).contains("at most 4000");

        Map<String, Object> html = new LinkedHashMap<>(anonymousReport());
        html.put("answers", Map.of("traffickerInfo", "<img src=x onerror=alert(1)>", "anonymous", true,
                "traffickingTypes", List.of("LABOUR")));
        PublicVisitor.Answer markup = visitor.post("/api/public/reports", html);
        assertThat(markup.status()).isEqualTo(400);
        assertThat(markup.body().get("fields").get("traffickerInfo").asString()).contains("plain text");
        assertThat(markup.text()).doesNotContain("onerror");

        PublicVisitor other = visitor(7);
        assertThat(other.postRaw("/api/public/reports", "{\"language\": ", true).status()).isEqualTo(400);
        Map<String, Object> contact = new LinkedHashMap<>(anonymousReport());
        contact.put("answers", Map.of("traffickingTypes", List.of("LABOUR"), "anonymous", true,
                "contactPhone", "+1 555 0100 144"));
        PublicVisitor.Answer anonymousWithPhone = other.post("/api/public/reports", contact);
        assertThat(anonymousWithPhone.status()).isEqualTo(400);
        assertThat(anonymousWithPhone.body().get("fields").get("contactPhone").asString()).contains("anonymous");

        assertThat(reports()).isEqualTo(before);
        assertThat(count("select count(*) from hotline.registry_case")).isEqualTo(cases);
    }

    @Test
    void thePublicSessionReachesNothingButTheForm() {
        PublicVisitor visitor = visitor(8);
        assertThat(visitor.get("/report.html").status()).isEqualTo(200);
        assertThat(visitor.get("/report.html").header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(visitor.get("/js/report.js").status()).isEqualTo(200);
        PublicVisitor.Answer texts = visitor.get("/i18n/report.json");
        assertThat(texts.status()).isEqualTo(200);
        assertThat(texts.body().get("es").get("submit").asString()).isEqualTo("Enviar denuncia");
        assertThat(visitor.get("/i18n/other.json").status()).as("only the form's own texts").isIn(302, 401);
        assertThat(visitor.get("/api/me").status()).isEqualTo(401);
        assertThat(visitor.get("/api/cases").status()).isEqualTo(401);
        assertThat(visitor.get("/api/calllog").status()).isEqualTo(401);
        assertThat(visitor.post("/api/sim/calls", Map.of("language", "en")).status()).isEqualTo(401);
        assertThat(visitor.get("/js/common.js").status()).isIn(302, 401);
        assertThat(visitor.get("/console.html").status()).isIn(302, 401);
    }

    @Test
    void theLeaderSeesTheOnlineReportAsAPotentialCaseAndAnOperatorDoesNot() throws Exception {
        String reference = visitor(11).post("/api/public/reports", anonymousReport()).body().get("reference")
                .asString();
        UUID report;
        try (Connection c = hotline.bean(DataSource.class).getConnection();
                PreparedStatement s = c.prepareStatement("select id from hotline.online_report where reference = ?")) {
            s.setString(1, reference);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                report = r.getObject(1, UUID.class);
            }
        }

        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        ConsoleClient.Response cases = leader.get("/api/cases?status=POTENTIAL");
        assertThat(cases.status()).isEqualTo(200);
        JsonNode found = null;
        for (JsonNode summary : cases.body()) {
            JsonNode one = leader.get("/api/cases/" + summary.get("id").asString()).body().get("case");
            for (JsonNode source : one.get("sources")) {
                if (source.get("report").asString().equals(report.toString())) {
                    found = one;
                    assertThat(source.get("channel").asString()).isEqualTo("ONLINE");
                }
            }
        }
        assertThat(found).as("a case made of online report %s", reference).isNotNull();
        assertThat(found.get("status").asString()).isEqualTo("POTENTIAL");
        assertThat(found.get("values").get("place").asString()).isEqualTo("Test Parish South");
        assertThat(found.get("values").get("sex").asString()).isEqualTo("MALE");

        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.get("/api/cases").status()).isEqualTo(403);
    }

    private static String toJson(Object body) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(body);
    }
}
