package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RegistryCases;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * Repeat callers in real chromium (issue 18, item 6): a number that called twice before (once answered, reported
 * with a summary for the next operator and become a case; once hung up before anyone answered) is flagged "risk:
 * high" by a supervisor from the call log's detail, then calls again: the pop at the operator shows the flag (who
 * set it, until when) and both earlier contacts in words, newest first, with the summary and the case number, and
 * never the full number.
 */
class RepeatCallerInBrowserTest {

    private static final String NUMBER = "+1 555 0100 163";
    private static final String SUMMARY = "Testcaller Fakename works at the fake farm on Testroad; safe to talk after "
            + "6 pm (fake)";

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static String answeredCall;
    private static String caseReference;

    @BeforeAll
    static void twoEarlierCalls() throws Exception {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", NUMBER, "language", "en"));
        answeredCall = pop.get("call").asString();
        String report = pop.get("report").asString();
        assertThat(operator.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL")).status())
                .isEqualTo(200);
        assertThat(operator.put("/api/reports/" + report + "/fields/summaryForNextOperator",
                Map.of("value", SUMMARY)).status()).isEqualTo(200);
        operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null);
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        caseReference = RegistryCases.referenceOf(hotline.bean(DSLContext.class), report);
        // The caller hangs up before anyone answers.
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        JsonNode second = supervisor.post("/api/sim/calls", Map.of("callerNumber", NUMBER, "language", "en")).body();
        supervisor.post("/api/sim/calls/" + second.get("providerCallId").asString() + "/caller-hangup", null);
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void theOperatorSeesTheCallersHistoryAndTheSupervisorsFlagOnThePop() throws Exception {
        WebDriver boss = HeadlessChromium.start("1280,720");
        try {
            HeadlessChromium.signIn(boss, hotline.base(), "supervisor", "supervisor-demo");
            WebDriverWait wait = new WebDriverWait(boss, Duration.ofSeconds(15));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#calllog tr[data-call='" + answeredCall
                    + "']"))).click();
            new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flag-kind"))))
                    .selectByVisibleText("Risk: high");
            new Select(boss.findElement(By.id("flag-days"))).selectByVisibleText("90 days");
            boss.findElement(By.id("flag-note")).sendKeys("Fakenote: the employer may listen in (fake)");
            boss.findElement(By.id("flag-set")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flag-status"), "Flagged until"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("caller-flags"), "Risk: high"));
            String flags = boss.findElement(By.id("caller-flags")).getText();
            assertThat(flags).contains("•••• 63").contains("Fakenote").contains("Lift now")
                    .doesNotContain("HIGH_RISK");
            PageCheck.assertFitsAndIsAccessible(boss, "supervisor-caller-flag");
        } finally {
            boss.quit();
        }

        WebDriver browser = HeadlessChromium.start("1280,720");
        try {
            HeadlessChromium.signIn(browser, hotline.base(), "operator", "operator-demo");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
            browser.findElement(By.id("go-available")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));
            WebElement number = browser.findElement(By.id("sim-number"));
            number.clear();
            number.sendKeys(NUMBER);
            browser.findElement(By.id("sim-place")).click();

            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-caller"), "•••• 63"));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#caller-history .caller-flag")));
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#caller-history li.earlier"), 2));
            String flag = browser.findElement(By.cssSelector("#caller-history .caller-flag")).getText();
            assertThat(flag).contains("Flag: Risk: high").contains("set by").contains("until")
                    .contains("Fakenote: the employer may listen in (fake)");
            List<WebElement> earlier = browser.findElements(By.cssSelector("#caller-history li.earlier"));
            // Newest first: the call nobody took, then the answered one with its report.
            assertThat(earlier.get(0).getText()).contains("Caller hung up").contains("No report");
            assertThat(earlier.get(1).getText()).contains("Answered").contains("Incoming call")
                    .contains("taken by").contains("Summary: " + SUMMARY).contains("Case " + caseReference);
            String history = browser.findElement(By.id("caller-history")).getText();
            assertThat(history).contains("Earlier contacts from this number (2)")
                    .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b")
                    .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            String page = browser.findElement(By.tagName("body")).getText();
            assertThat(page).doesNotContain("0100 163").doesNotContain("5550100163");
            assertThat(browser.findElement(By.id("pop")).getText()).doesNotContain("0100");
            PageCheck.assertFitsAndIsAccessible(browser, "operator-repeat-caller-pop");
        } finally {
            browser.quit();
        }
    }
}
