package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Issue 20 (operator states with reasons) in real chromium: the operator goes on a break from their console and
 * the supervisor's page says so in words; the supervisor cannot set them away while a call rings at them (told why
 * in words); once it is over, the supervisor sets them away for a meeting and the operator's console says who did
 * and why, without a reload.
 */
class OperatorAwayInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private final java.util.List<WebDriver> browsers = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
    }

    @AfterEach
    void stop() {
        browsers.forEach(WebDriver::quit);
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void aSupervisorSetsAnOperatorAwayWithAReasonAndTheOperatorsConsoleSaysItInWords() {
        hotline = RunningHotline.start(data);
        WebDriver operator = browser("operator", "operator-demo");
        WebDriverWait atOperator = new WebDriverWait(operator, Duration.ofSeconds(15));
        atOperator.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        assertThat(new Select(operator.findElement(By.id("away-reason"))).getOptions()).extracting(WebElement::getText)
                .containsExactly("Away", "On a break", "In training", "In a meeting");
        new Select(operator.findElement(By.id("away-reason"))).selectByVisibleText("On a break");
        operator.findElement(By.id("go-away")).click();
        atOperator.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "On a break"));

        WebDriver supervisor = browser("supervisor", "supervisor-demo");
        WebDriverWait atSupervisor = new WebDriverWait(supervisor, Duration.ofSeconds(15));
        supervisor.get(hotline.base() + "/supervisor.html");
        atSupervisor.until(ExpectedConditions.textToBePresentInElementLocated(By.id("seats"), "On a break"));
        String seat = supervisor.findElement(By.xpath("//tbody[@id='seats']/tr[td[1]='Demo Operator One']")).getText();
        assertThat(seat).contains("On a break").doesNotContain("BREAK").doesNotContain("set by a supervisor");

        // A call rings at the operator: the supervisor is refused, in words.
        operator.findElement(By.id("go-available")).click();
        atOperator.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));
        operator.findElement(By.id("sim-place")).click();
        atOperator.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Ringing"));
        atSupervisor.until(ExpectedConditions.textToBePresentInElementLocated(By.id("seats"), "Ringing"));
        setAway(supervisor, "In training");
        WebElement refusal = atSupervisor.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("dialog.dialog[open]")));
        assertThat(refusal.getText()).contains("Demo Operator One was not set away")
                .contains("Demo Operator One is ringing or on a call: they can be set away once the call is over");
        HeadlessChromium.screenshot(supervisor, "supervisor-set-away-refused");
        refusal.findElement(By.cssSelector("button")).click();

        // The caller hangs up while it rings: the operator is free, and the supervisor sets them away for a meeting.
        hangUpTestCall(operator, atOperator);
        atSupervisor.until(ExpectedConditions.textToBePresentInElementLocated(By.id("seats"), "Available"));
        setAway(supervisor, "In a meeting");
        atOperator.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"),
                "set you away: In a meeting"));
        assertThat(operator.findElement(By.id("presence")).getText())
                .isEqualTo("Your supervisor (Demo Supervisor) set you away: In a meeting");
        atSupervisor.until(ExpectedConditions.textToBePresentInElementLocated(By.id("seats"),
                "In a meeting (set by a supervisor)"));
        ((org.openqa.selenium.JavascriptExecutor) operator).executeScript("window.scrollTo(0, 0)");
        HeadlessChromium.screenshot(operator, "operator-set-away-by-supervisor");
        ((org.openqa.selenium.JavascriptExecutor) supervisor).executeScript(
                "document.getElementById('seats').scrollIntoView({block: 'center'})");
        HeadlessChromium.screenshot(supervisor, "supervisor-operator-in-a-meeting");
        PageCheck.assertFitsAndIsAccessible(supervisor, "supervisor-operator-set-away");
        PageCheck.assertFitsAndIsAccessible(operator, "console-set-away");

        // A reload keeps the words: they come from the routing state, not from the message alone.
        operator.navigate().refresh();
        atOperator.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"),
                "set you away: In a meeting"));
    }

    /** The row's control is kept across the live updates, so the choice made is the one sent. */
    private void setAway(WebDriver supervisor, String reason) {
        WebElement row = supervisor.findElement(By.xpath("//tbody[@id='seats']/tr[td[1]='Demo Operator One']"));
        WebElement choice = row.findElement(By.cssSelector("select.away-reason"));
        new Select(choice).selectByVisibleText(reason);
        row.findElement(By.cssSelector("button.set-away")).click();
    }

    /** The simulated caller hangs up (the console's list of test calls, redrawn every 2 s: found afresh each try). */
    private static void hangUpTestCall(WebDriver operator, WebDriverWait wait) {
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("#sim-calls button")).click();
            return true;
        });
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));
    }

    private WebDriver browser(String username, String password) {
        WebDriver driver = HeadlessChromium.start("1400,1000");
        browsers.add(driver);
        HeadlessChromium.signIn(driver, hotline.base(), username, password);
        return driver;
    }
}
