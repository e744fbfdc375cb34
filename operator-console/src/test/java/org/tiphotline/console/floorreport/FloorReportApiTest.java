package org.tiphotline.console.floorreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.StoredCalls;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import tools.jackson.databind.JsonNode;

/**
 * Floor reports on the web against the running application: a past day's calls stored as call records, read as
 * JSON, exported as the two CSV tables (their content compared with a hand count, an operator's name that starts a
 * formula made harmless, each download in the audit trail), and bad requests answered 400 in words with no audit
 * row. Who may call it is NeedToKnowTest's.
 */
class FloorReportApiTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica");
    private static final String DAY = "2026-06-01";
    /** A display name a spreadsheet would run as a formula: the export must not let it. */
    private static final String FORMULA_NAME = "=HYPERLINK(\"http://evil.invalid\",\"Testinj Fakename\")";

    @TempDir
    static Path data;

    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        hotline = RunningHotline.start(data);
        Operators operators = hotline.bean(Operators.class);
        Operator formula = operators.create("testformula", FORMULA_NAME, "{noop}unused", Role.OPERATOR,
                List.of("en"), null);
        Operator one = operators.byUsername("operator").orElseThrow();
        // 09:00:10 queued, answered 12 s later, handled 300 s; 09:30:05 queued, answered 25 s later, handled 120 s.
        StoredCalls calls = new StoredCalls(hotline.bean(DSLContext.class), KINGSTON, LocalDate.parse(DAY));
        calls.answered("09:00:00", "09:00:10", "09:00:22", "09:05:22", formula);
        calls.answered("09:30:00", "09:30:05", "09:30:30", "09:32:30", one);
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    private static int exportsAudited() {
        return hotline.bean(DSLContext.class).fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("floor_report"));
    }

    @Test
    void aDayAsJsonByHourAndByOperator() {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        int before = exportsAudited();
        ConsoleClient.Response r = supervisor.get("/api/floor-reports?period=day&day=" + DAY);
        assertThat(r.status()).isEqualTo(200);
        JsonNode report = r.body();
        assertThat(report.get("label").asString()).isEqualTo(DAY);
        assertThat(report.get("timeZone").asString()).isEqualTo("America/Jamaica");
        assertThat(report.get("byHour").size()).isEqualTo(24);
        JsonNode nine = report.get("byHour").get(9);
        assertThat(nine.get("label").asString()).isEqualTo("09:00–10:00");
        assertThat(nine.get("figures").get("offered").asInt()).isEqualTo(2);
        assertThat(nine.get("figures").get("averageSpeedOfAnswerMs").asLong()).isEqualTo(18_500L);
        assertThat(report.get("total").get("figures").get("answered").asInt()).isEqualTo(2);
        assertThat(report.get("byOperator").valueStream().map(o -> o.get("name").asString() + ":"
                + o.get("answered").asInt()).toList()).contains(FORMULA_NAME + ":1", "Demo Operator One:1");
        // The JSON view is not an export: no audit row.
        assertThat(exportsAudited()).isEqualTo(before);
    }

    @Test
    void theFiguresAndOperatorsExportAsCsvHarmlessAndAudited() {
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        int before = exportsAudited();
        ConsoleClient.Text figures = leader.getText("/api/floor-reports?period=DAY&day=" + DAY + "&format=csv");
        assertThat(figures.status()).isEqualTo(200);
        assertThat(figures.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(figures.headers().firstValue("Content-Disposition").orElse(""))
                .contains("attachment").contains("floor-report-day-" + DAY + "-figures.csv");
        List<String> lines = figures.body().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("Row,Period,Starts,Offered,Answered,Abandoned in the phone menu,"
                + "Abandoned waiting,Abandoned while ringing,Short abandons,Handed over unanswered,Lost,Still waiting,"
                + "Answered within 15 s (%),Target within 15 s (%),Answered within 20 s (%),Target within 20 s (%),"
                + "Average speed of answer (s),90th percentile speed of answer (s),Average handling time (s),"
                + "Escalations raised,Escalations acknowledged in time");
        // By hand: both calls reached the queue in hour 09; 12 s and 25 s to answer: one within 15 s and within
        // 20 s (50 %), mean 18.5 s, 90th percentile 25 s; handled (300 + 120) / 2 = 210 s.
        String figuresOfBoth = "2,2,0,0,0,0,0,0,0,50.0,90.0,50.0,95.0,18.5,25.0,210.0,0,0";
        assertThat(lines.get(1)).isEqualTo("Whole day," + DAY + "," + DAY + " 00:00," + figuresOfBoth);
        assertThat(lines).hasSize(1 + 1 + 24);
        assertThat(lines.get(2 + 9)).isEqualTo("Hour,09:00–10:00," + DAY + " 09:00," + figuresOfBoth);
        assertThat(lines.get(2 + 10)).isEqualTo("Hour,10:00–11:00," + DAY + " 10:00,0,0,0,0,0,0,0,0,0,,90.0,,95.0,"
                + ",,,0,0");

        ConsoleClient.Text operators = leader.getText("/api/floor-reports?period=DAY&day=" + DAY
                + "&format=csv&table=operators");
        assertThat(operators.status()).isEqualTo(200);
        List<String> rows = operators.body().lines().toList();
        assertThat(rows.getFirst()).isEqualTo("Operator,Answered,Average speed of answer (s),Average handling time (s),"
                + "Available (s),Ringing (s),On a call (s),After-call work (s),On a break (s),In training (s),"
                + "In a meeting (s),Away (s),Phone not connected (s)");
        // The name starts a formula: the cell starts with an apostrophe, quoted for its comma and quotes.
        assertThat(rows).contains("\"'=HYPERLINK(\"\"http://evil.invalid\"\",\"\"Testinj Fakename\"\")\",1,12.0,"
                + "300.0,0,0,0,0,0,0,0,0,0");
        assertThat(rows).contains("Demo Operator One,1,25.0,120.0,0,0,0,0,0,0,0,0,0");

        // Each download is an export of the leader's in the audit trail, naming what was exported.
        DSLContext db = hotline.bean(DSLContext.class);
        var audited = db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("floor_report")).orderBy(AUDIT_LOG.ID)
                .fetch();
        assertThat(audited).hasSize(before + 2);
        assertThat(audited.get(before).getActor()).isEqualTo("leader");
        assertThat(audited.get(before).getAction()).isEqualTo("EXPORT");
        assertThat(audited.get(before).getEntityId()).isEqualTo("floor-report-day-" + DAY + "-figures");
        assertThat(audited.get(before + 1).getEntityId()).isEqualTo("floor-report-day-" + DAY + "-operators");
        assertThat(audited.get(before + 1).getFields()).contains("Operator", "Answered");
    }

    @Test
    void badRequestsAreAnsweredWithWhatIsWrongAndExportNothing() {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        int before = exportsAudited();
        String tomorrow = LocalDate.now(KINGSTON).plusDays(2).toString();
        Map<String, String> refusals = Map.of(
                "/api/floor-reports?period=YEAR", "period must be DAY, WEEK or MONTH",
                "/api/floor-reports?period=DAY&day=2026-13-01", "day must be a date like 2026-12-07",
                "/api/floor-reports?period=DAY&day=" + tomorrow, "the day of " + tomorrow + " has not begun yet",
                "/api/floor-reports?period=DAY&day=" + tomorrow + "&format=csv",
                "the day of " + tomorrow + " has not begun yet",
                "/api/floor-reports?day=" + DAY + "&format=xml", "format must be csv or json",
                "/api/floor-reports?day=" + DAY + "&format=csv&table=calls", "table must be figures or operators",
                "/api/floor-reports?day=" + DAY + "&table=operators", "table is for format=csv only");
        refusals.forEach((path, message) -> {
            ConsoleClient.Response r = supervisor.get(path);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.body().get("message").asString()).as(path).isEqualTo(message);
        });
        assertThat(exportsAudited()).isEqualTo(before);
    }
}
