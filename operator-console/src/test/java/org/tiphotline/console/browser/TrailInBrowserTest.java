package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RegistryCases;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * The trail page in real chromium, as the auditor (issue 21, item 3): they land on it after signing in, filter by
 * person (the leader, by name) and by case number, narrow to one call from a row, page on and back, and read
 * names, case numbers and a call's time and line, never an id, a code or a word of the report. Both sizes pass
 * axe-core. The table is redrawn on every filter and page, so the test waits on the page's own drawing counter and
 * never keeps a row across a redraw. Screenshots: {@code target/screenshots/trail-*.png}.
 */
class TrailInBrowserTest {

    private static final int LEADER_READS = 30;

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static String caseReference;
    private WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
        DSLContext db = hotline.bean(DSLContext.class);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 088", "language", "en",
                "immediateDanger", "NO"));
        String report = pop.get("report").asString();
        operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("situation", "POTENTIAL");
        fields.put("traffickingTypes", List.of("LABOUR"));
        fields.put("victimDetails", "Fakevictimtrail Testperson (fake)");
        fields.forEach((field, value) -> assertThat(operator.put("/api/reports/" + report + "/fields/" + field,
                Map.of("value", value)).status()).as(field).isEqualTo(200));
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        caseReference = RegistryCases.referenceOf(db, report);
        String caseId = String.valueOf(db.fetchValue("select id::text from hotline.registry_case where reference = ?",
                caseReference));
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        assertThat(leader.put("/api/cases/" + caseId + "/fields/firstNames", Map.of("value",
                "Testfirst Fakecasetrail")).status()).isEqualTo(200);
        // More than a page (25 rows) of the leader's reads.
        for (int i = 0; i < LEADER_READS; i++) {
            assertThat(leader.get("/api/cases/" + caseId).status()).isEqualTo(200);
        }
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

    /** A wait that reads again when the table was redrawn under it (a row read mid-drawing is gone). */
    private FluentWait<WebDriver> waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class);
    }

    private int drawn() {
        String d = browser.findElement(By.id("trail")).getAttribute("data-drawn");
        return d == null ? 0 : Integer.parseInt(d);
    }

    /** Does {@code action} and waits until the table is drawn again: the rows read after it are the new ones. */
    private void redraw(Runnable action) {
        int before = drawn();
        action.run();
        waiting().until(b -> drawn() > before);
    }

    /** The rows now shown, each as its cells' texts, read in one go (no element is kept across a redraw). */
    @SuppressWarnings("unchecked")
    private List<List<String>> rows() {
        return waiting().until(b -> (List<List<String>>) ((org.openqa.selenium.JavascriptExecutor) b).executeScript(
                "return [...document.querySelectorAll('#trail tr')].map((tr) => [...tr.cells].map((c) => "
                        + "c.innerText.trim()));"));
    }

    /** The instants of the rows now shown, newest first. */
    @SuppressWarnings("unchecked")
    private List<java.time.OffsetDateTime> instants() {
        List<String> at = (List<String>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#trail time')].map((t) => t.getAttribute('datetime'));");
        return at.stream().map(java.time.OffsetDateTime::parse).toList();
    }

    private void show() {
        redraw(() -> browser.findElement(By.id("show")).click());
    }

    @Test
    void theAuditorFiltersByPersonAndByCaseReadsNamesAndPagesOn() {
        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), "auditor", "auditor-demo");
        waiting().until(ExpectedConditions.urlContains("/trail.html"));
        waiting().until(b -> drawn() >= 1);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Who read what · Demo Auditor");
        // The auditor's own first look is the newest row.
        List<String> newest = rows().get(0);
        assertThat(newest.subList(1, 4)).containsExactly("Demo Auditor", "Read", "The audit trail: everything");
        HeadlessChromium.screenshot(browser, "trail-everything");

        // By person, chosen by name.
        new Select(browser.findElement(By.id("person"))).selectByVisibleText(
                "Demo Data Management Leader (data management leader)");
        show();
        List<List<String>> leaders = rows();
        assertThat(leaders).hasSize(25).allSatisfy(r -> assertThat(r.get(1)).isEqualTo("Demo Data Management Leader"));
        assertThat(leaders).anySatisfy(r -> {
            assertThat(r.get(2)).isEqualTo("Read");
            assertThat(r.get(3)).startsWith("Case " + caseReference);
            assertThat(r.get(4)).contains("First name(s)");
        });
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("25 rows, more on the next page");
        assertShownInWords();
        PageCheck.assertFitsAndIsAccessible(browser, "trail-by-person");

        // Page on: older rows, down to the leader's change of the case and sign-in; and back.
        // Rows of one minute read alike: their instants (each row's <time datetime>) tell the pages apart.
        List<java.time.OffsetDateTime> pageOne = instants();
        redraw(() -> browser.findElement(By.id("next")).click());
        assertThat(browser.findElement(By.id("page-number")).getText()).isEqualTo("Page 2");
        List<List<String>> older = rows();
        assertThat(older).isNotEmpty().allSatisfy(r -> assertThat(r.get(1)).isEqualTo("Demo Data Management Leader"));
        assertThat(instants()).allSatisfy(t -> assertThat(t).isBefore(pageOne.get(pageOne.size() - 1)));
        assertThat(older).anySatisfy(r -> assertThat(r.get(2)).isEqualTo("Changed"));
        assertThat(older).anySatisfy(r -> {
            assertThat(r.get(2)).isEqualTo("Signed in");
            assertThat(r.get(3)).isEqualTo("Sign-in");
            assertThat(r.get(4)).isEqualTo("From 127.0.0.1");
        });
        assertThat(browser.findElement(By.id("next")).isEnabled()).isFalse();
        HeadlessChromium.screenshot(browser, "trail-by-person-page-2");
        redraw(() -> browser.findElement(By.id("previous")).click());
        assertThat(instants()).isEqualTo(pageOne);

        // By case: its number typed; a wrong one is said next to the field and nothing is asked.
        new Select(browser.findElement(By.id("person"))).selectByValue("");
        WebElement caseNumber = browser.findElement(By.id("case"));
        caseNumber.sendKeys("X-1");
        browser.findElement(By.id("show")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("case-error"), "A case number looks like C-2026-000123."));
        caseNumber.clear();
        caseNumber.sendKeys(caseReference);
        show();
        assertThat(rows()).hasSize(25).allSatisfy(r -> assertThat(r.get(3)).contains(caseReference));
        // The leader's reads fill the first page: the operator's part of the case, by person and case together.
        new Select(browser.findElement(By.id("person"))).selectByVisibleText("Demo Operator One (operator)");
        show();
        List<List<String>> ofCase = rows();
        assertThat(ofCase).isNotEmpty().allSatisfy(r -> assertThat(r.get(3)).contains(caseReference));
        assertThat(ofCase).anySatisfy(r -> {
            assertThat(r.get(1)).isEqualTo("Demo Operator One");
            assertThat(r.get(3)).startsWith("Hotline report of the call at ").contains("on the line");
        });
        assertShownInWords();
        PageCheck.assertFitsAndIsAccessible(browser, "trail-by-case");

        // One call, from a row: its report's rows and the call's own (the line created it).
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#trail button[data-call]")));
        redraw(() -> browser.findElement(By.cssSelector("#trail button[data-call]")).click());
        assertThat(browser.findElement(By.id("call-filter")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("call-words")).getText()).startsWith("call at ");
        caseNumber = browser.findElement(By.id("case"));
        caseNumber.clear();
        new Select(browser.findElement(By.id("person"))).selectByValue("");
        show();
        assertThat(rows()).anySatisfy(r -> {
            assertThat(r.get(1)).isEqualTo("The phone line (sim)");
            assertThat(r.get(2)).isEqualTo("Created");
            assertThat(r.get(3)).startsWith("Call at ");
        });
        assertShownInWords();
        HeadlessChromium.screenshot(browser, "trail-by-call");
    }

    private void assertShownInWords() {
        String body = browser.findElement(By.tagName("main")).getText();
        assertThat(body).doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b")
                .doesNotContain("Fakevictimtrail").doesNotContain("Fakecasetrail");
    }
}
