package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestDirectory;
import tools.jackson.databind.JsonNode;

/**
 * The supervisor's and the liaison's pages as their people read them (issue 17, items 4 and 5): words instead of
 * codes and ids, agencies by name, one unbroken 300-character word that gives no page a sideways scroll, dialogs
 * instead of prompt()/alert(), alert deliveries that failed shown to the supervisors, and the liaison page at
 * full width on a laptop and usable on a phone.
 */
class SupervisionInBrowserTest {

    /** What a caller might paste: one word with no place to break. */
    private static final String LONG_WORD = "x".repeat(300);

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static String call;
    private WebDriver browser;

    @BeforeAll
    static void anEscalatedCallWhoseAlertsCannotBeDelivered() throws Exception {
        HeadlessChromium.assumeInstalled();
        // Nothing listens on port 9: every webhook alert to the police fails, as a dead endpoint would.
        hotline = TestDirectory.withPoliceLiaison(data);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "es", "immediateDanger", "YES"));
        call = pop.get("call").asString();
        String report = pop.get("report").asString();
        assertThat(operator.put("/api/reports/" + report + "/fields/locationDetail", Map.of("value", LONG_WORD))
                .status()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            String id = operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                    "level", "IMMEDIATE", "danger", "CONFINEMENT", "reason", "caller locked in (fake)"))
                    .body().get("id").asString();
            if (i == 0) {
                assertThat(operator.post("/api/escalations/" + id + "/disclosure", Map.of("basis",
                        "OVERRIDE_IMMINENT_DANGER", "justification", LONG_WORD)).status()).isEqualTo(200);
            }
        }
    }

    @AfterAll
    static void stopHotline() {
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

    private WebDriverWait signIn(String size, String user, String password) {
        browser = HeadlessChromium.start(size);
        HeadlessChromium.signIn(browser, hotline.base(), user, password);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        return wait;
    }

    @Test
    void theSupervisorReadsWordsNamesAndFailedAlertsWithoutScrollingSideways() {
        WebDriverWait wait = signIn("1280,720", "supervisor", "supervisor-demo");
        // Ours two, and whatever the rules raised for an immediate danger.
        wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#escalations tr[id^='sup-esc-']"), 1));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overrides"), LONG_WORD));
        // The failed webhook deliveries are on the page, not only in the server log.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("alert-failures"), "Test Police (fake)"));
        assertThat(browser.findElement(By.id("alert-failures")).getText()).contains("Web hook");

        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(page).as("codes and ids in words").doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b")
                .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .doesNotContain("test-police").doesNotContain("true").contains("Test Police (fake)");
        assertThat(new Select(browser.findElement(By.id("outcome"))).getOptions())
                .extracting(o -> o.getText()).contains("Caller hung up in the menu");
        assertThat(noSidewaysScroll()).as("the 300-character word wraps").isTrue();

        // The call's detail: its timeline in words, the report's long word inside the card.
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#calllog tr[data-call='" + call + "']")))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-report"), LONG_WORD));
        String detail = browser.findElement(By.id("detail")).getText();
        assertThat(detail).doesNotContain("ESCALATION_STEP").doesNotContain("IVR_ANSWER")
                .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .contains("Spanish").contains("Test Police (fake)");
        assertThat(noSidewaysScroll()).isTrue();
        PageCheck.assertFitsAndIsAccessible(browser, "supervisor-call-detail");

        // Closing an escalation asks for the reason in the page's own dialog (a prompt() would fail this test).
        int open = browser.findElements(By.cssSelector("#escalations tr[id^='sup-esc-']")).size();
        browser.findElements(By.cssSelector("button.close-esc")).get(0).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open] textarea")))
                .sendKeys("the police called back: handled (fake)");
        PageCheck.assertFitsAndIsAccessible(browser, "supervisor-close-dialog");
        browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#escalations tr[id^='sup-esc-']"), open - 1));
    }

    @Test
    void theLiaisonPageFillsALaptopAndWorksOnAPhone() {
        WebDriverWait wait = signIn("360,740", "police1", "police1-test");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button.details")));
        assertThat(browser.findElement(By.tagName("header")).getText()).contains("Test Police (fake)")
                .doesNotContain("test-police");
        assertThat(noSidewaysScroll()).as("no sideways scroll at 360x740").isTrue();
        browser.findElements(By.cssSelector("button.details")).get(0).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("outcome-code")));
        assertThat(noSidewaysScroll()).as("the open escalation fits a phone").isTrue();
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("test-police")
                .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b");
        HeadlessChromium.screenshot(browser, "liaison-escalation-360x740");

        browser.manage().window().setSize(new Dimension(1280, 720));
        double share = ((Number) js().executeScript("return document.querySelector('main section')"
                + ".getBoundingClientRect().width / window.innerWidth")).doubleValue();
        assertThat(share).as("the escalations card's share of a 1280px window").isGreaterThan(0.9);

        // "No action" without a reason is told next to the note, in words, before anything is sent (no alert()).
        new Select(browser.findElement(By.id("outcome-code"))).selectByValue("NO_ACTION");
        browser.findElement(By.cssSelector("button.outcome")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome-note-error"), "No action"));
        assertThat(browser.findElement(By.id("outcome-note-error")).getText()).doesNotContain("NO_ACTION");
        PageCheck.assertFitsAndIsAccessible(browser, "liaison-escalation");
        browser.findElement(By.id("outcome-note")).sendKeys("the address was empty when officers came (fake)");
        browser.findElement(By.cssSelector("button.outcome")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".esc-status"), "No action"));
    }

    private boolean noSidewaysScroll() {
        return (Boolean) js().executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1");
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) browser;
    }
}
