package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Issue 18, item 5, in real chromium: a supervisor records a walk-in the operator took, fills the same registering
 * form as after a call, submits it, and the call log lists it by its channel, naming who took it and who entered it,
 * with no waiting time.
 */
class OfflineContactInBrowserTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private WebDriver browser;

    @BeforeAll
    static void start() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
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

    @Test
    void aSupervisorRecordsAWalkInForAnOperatorAndTheCallLogShowsIt() {
        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), "supervisor", "supervisor-demo");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("record-contact"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#c-taker option[value='operator2']")));
        Select channel = new Select(browser.findElement(By.id("c-channel")));
        assertThat(channel.getOptions()).extracting(o -> o.getText())
                .containsExactly("Walk-in", "Call on the backup phone", "Letter", "E-mail");
        channel.selectByVisibleText("Walk-in");
        assertThat(browser.findElement(By.id("c-number-box")).isDisplayed()).as("no number for a walk-in").isFalse();
        String at = LocalDateTime.now(ZoneId.of("America/Jamaica")).minusHours(2).truncatedTo(ChronoUnit.MINUTES)
                .toString();
        ((JavascriptExecutor) browser).executeScript("document.getElementById('c-when').value = arguments[0]", at);
        new Select(browser.findElement(By.id("c-taker"))).selectByVisibleText("Demo Operator Two");
        PageCheck.assertFitsAndIsAccessible(browser, "offline-contact-start");
        browser.findElement(By.id("c-record")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
        String header = browser.findElement(By.id("call-header")).getText();
        assertThat(header).contains("Walk-in").contains("taken by Demo Operator Two")
                .contains("entered by Demo Supervisor");
        new Select(browser.findElement(By.id("f-situation"))).selectByValue("POTENTIAL");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status-situation"), "aved"));
        PageCheck.assertFitsAndIsAccessible(browser, "offline-contact-form");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("submit-status"), "Report submitted"));

        browser.get(hotline.base() + "/supervisor.html");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("calllog"), "Recorded contact: walk-in"));
        String row = browser.findElement(By.cssSelector("#calllog tr")).getText();
        assertThat(row).contains("Demo Operator Two (entered by Demo Supervisor)").contains("—").contains("Recorded")
                .contains("no number").doesNotContain("withheld")
                .doesNotContain("WALK_IN").doesNotContain("OFFLINE");
        browser.findElement(By.cssSelector("#calllog tr")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-summary"), "taken by"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("report-status"), "Submitted"));
        String detail = browser.findElement(By.id("detail")).getText();
        assertThat(detail).contains("Recorded contact: walk-in").contains("entered by Demo Supervisor")
                .contains("Contact (recorded by hand)").contains("How it came: walk-in")
                .doesNotContain("Menu answers").doesNotContain("Answered ·").doesNotContain("WALK_IN")
                .doesNotContain("ARRIVED");
        PageCheck.assertFitsAndIsAccessible(browser, "offline-contact-call-log");

        // The registry names the case's source by its channel.
        browser.quit();
        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), "leader", "leader-demo");
        WebDriverWait registry = new WebDriverWait(browser, Duration.ofSeconds(30));
        registry.until(b -> {
            if (b.findElements(By.cssSelector("#cases tr[data-case]")).isEmpty()) {
                b.get(hotline.base() + "/registry.html");
                return false;
            }
            return true;
        });
        browser.findElement(By.cssSelector("#cases tr[data-case]")).click();
        registry.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sources"),
                "Hotline – walk-in report"));
        PageCheck.assertFitsAndIsAccessible(browser, "offline-contact-registry");
    }
}
