package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.StoredCalls;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;

/**
 * The floor report page in real chromium, signed in as a supervisor: a past day's stored calls become the chart of
 * offered, answered and abandoned calls per hour (Chart.js from its WebJar, served by the application) and the tables
 * behind it, in words, with the figures worked out by hand; the month holding that day by day and by hour of the
 * day; both fit the screen and pass axe-core. Screenshots: {@code target/screenshots/floor-report-*.png}.
 */
class FloorReportInBrowserTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica");
    private static final String DAY = "2026-06-01";

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private WebDriver browser;

    @BeforeAll
    static void start() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
        Operators operators = hotline.bean(Operators.class);
        Operator one = operators.byUsername("operator").orElseThrow();
        Operator two = operators.byUsername("operator2").orElseThrow();
        StoredCalls calls = new StoredCalls(hotline.bean(DSLContext.class), KINGSTON, LocalDate.parse(DAY));
        // Hour 09: answered in 12 s and 25 s, one caller gave up after 40 s waiting: offered 3, answered 2,
        // abandoned 1. Hour 14: answered in 8 s, one hung up while it rang (20 s), one after 2 s (a short abandon):
        // offered 3, answered 1, abandoned 1, short 1.
        calls.answered("09:00:00", "09:00:10", "09:00:22", "09:05:22", one);
        calls.answered("09:30:00", "09:30:05", "09:30:30", "09:32:30", two);
        calls.abandoned("09:39:00", "09:39:20", "09:40:00", "QUEUED");
        calls.answered("14:10:00", "14:10:10", "14:10:18", "14:14:18", one);
        calls.abandoned("14:20:00", "14:20:10", "14:20:30", "RINGING");
        calls.abandoned("14:30:00", "14:30:10", "14:30:12", "QUEUED");
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Long> barsAt(int hour) {
        return (List<Long>) ((JavascriptExecutor) browser).executeScript("""
                const chart = Chart.getChart(document.getElementById('chart'));
                return chart.data.datasets.map((d) => d.data[arguments[0]]);""", hour);
    }

    private Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private void waitForChart(int bars) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(b -> Boolean.TRUE.equals(script(
                "const c = window.Chart && Chart.getChart(document.getElementById('chart'));"
                        + " return !!c && c.data.labels.length === " + bars + ";")));
    }

    private List<String> row(String caption, String header) {
        WebElement table = browser.findElements(By.cssSelector("#tables table")).stream()
                .filter(t -> t.findElement(By.tagName("caption")).getText().startsWith(caption)).findFirst()
                .orElseThrow();
        WebElement line = table.findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.findElement(By.tagName("th")).getText().equals(header)).findFirst().orElseThrow();
        return line.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }

    @Test
    void aSupervisorSeesTheDayAsAChartAndTablesAndTheMonthByDay() {
        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), "supervisor", "supervisor-demo");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.not(
                ExpectedConditions.urlContains("/login")));
        // The supervisor's page links to the reports.
        browser.get(hotline.base() + "/supervisor.html");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.elementToBeClickable(
                By.id("floor-reports"))).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlContains("/floor-report.html"));
        browser.get(hotline.base() + "/floor-report.html?period=DAY&day=" + DAY);
        waitForChart(24);

        // The chart library came from this application, not a CDN.
        assertThat(script("return [...document.scripts].map((s) => s.src).find((s) => s.includes('chart'))"))
                .isEqualTo(hotline.base() + "/webjars/chart.js/4.4.1/dist/chart.umd.js");
        // Bars per hour: offered, answered, abandoned (waiting or ringing; the short abandon is not one).
        assertThat(barsAt(9)).containsExactly(3L, 2L, 1L);
        assertThat(barsAt(14)).containsExactly(3L, 1L, 1L);
        assertThat(barsAt(10)).containsExactly(0L, 0L, 0L);
        // The table behind it, in words: hour 09: within 15 s one of three (33.3 %), within 20 s the same; mean speed
        // (12 + 25) / 2 = 18.5 s, shown as 0:19 (whole seconds); handled (300 + 120) / 2 = 210 s = 3:30.
        assertThat(row("By hour", "09:00–10:00")).containsExactly("3", "2", "1", "0", "0", "0", "33.3 %", "33.3 %",
                "0:19", "0:25", "3:30", "0", "0");
        // Hour 14: the short abandon is out of the level: within 15 s one of 3 - 1 = 2 (50 %).
        assertThat(row("By hour", "14:00–15:00")).startsWith("3", "1", "0", "1", "1", "0", "50.0 %", "50.0 %");
        // The day: within 15 s 2 of 6 - 1 = 5 (40 %), below its 90 % target: shown as such.
        assertThat(row("By hour", "Whole period")).startsWith("6", "3", "1", "1", "1", "0", "40.0 %", "40.0 %");
        assertThat(browser.findElement(By.id("summary")).getText()).contains("40.0 %").contains("target 90 %");
        assertThat(browser.findElements(By.cssSelector("#summary .figure.below"))).hasSize(2);
        assertThat(row("By operator", "Demo Operator One").subList(0, 3)).containsExactly("2", "0:10", "4:30");
        assertThat(row("By operator", "Demo Operator Two").subList(0, 3)).containsExactly("1", "0:25", "2:00");
        assertThat(browser.findElement(By.tagName("body")).getText())
                .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b").contains("After-call work", "On a break");
        PageCheck.assertFitsAndIsAccessible(browser, "floor-report-day");

        // The month holding it: 30 days, 24 hours of the day, the same calls.
        new Select(browser.findElement(By.id("period"))).selectByValue("MONTH");
        browser.findElement(By.id("show")).click();
        // The tables are drawn again for the month: a caption read mid-draw is gone, so try again.
        new WebDriverWait(browser, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(b -> browser.findElements(
                By.cssSelector("#tables caption")).stream().anyMatch(c -> c.getText().equals("By day")));
        waitForChart(24);
        assertThat(barsAt(9)).containsExactly(3L, 2L, 1L);
        assertThat(row("By day", "2026-06-01")).startsWith("6", "3");
        assertThat(row("By day", "2026-06-02")).startsWith("0", "0");
        assertThat(browser.findElement(By.id("chart-title")).getText()).startsWith("Calls by hour of the day, June 2026");
        assertThat(browser.getCurrentUrl()).contains("period=MONTH");
        PageCheck.assertFitsAndIsAccessible(browser, "floor-report-month");
    }
}
