package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.FailoverProxy;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.RabbitMq;
import org.tiphotline.console.testing.RunningHotline;

/**
 * An operator's console stays open while node A stops (a rolling upgrade) behind a load balancer: the page
 * reconnects to node B by itself, resubscribes, and the draft it keeps typing is saved there.
 */
class RelayBrowserFailoverTest {

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void theConsoleReconnectsToTheOtherNodeAndKeepsSavingTheDraft() throws Exception {
        HeadlessChromium.assumeInstalled();
        RunningHotline a = RunningHotline.start(first, RelayAcrossNodesTest.relayed("first"));
        WebDriver browser = null;
        try (RunningHotline b = RunningHotline.secondNode(a, second, RabbitMq.get().relaySettings());
                FailoverProxy balancer = new FailoverProxy(a.port(), b.port())) {
            browser = HeadlessChromium.start("1400,1000");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            HeadlessChromium.signIn(browser, balancer.base(), "operator", "operator-demo");
            wait.until(ExpectedConditions.textToBe(By.id("link-status"), "live"));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("go-available"))).click();
            wait.until(ExpectedConditions.textToBe(By.id("presence"), "Available"));
            browser.findElement(By.id("sim-number")).clear();
            browser.findElement(By.id("sim-number")).sendKeys("+1 555 0100 7343");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("sim-place"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
            browser.findElement(By.id("f-victimAge")).click();
            browser.findElement(By.id("f-victimAge")).sendKeys(Keys.chord(Keys.ALT, "a"));
            wait.until(ExpectedConditions.textToBe(By.id("cb-state"), "Talking"));
            new Select(browser.findElement(By.id("f-situation"))).selectByValue("POTENTIAL");
            wait.until(ExpectedConditions.textToBe(By.id("status-situation"), "Saved"));

            // Node A goes (its PostgreSQL stays: node B runs on it).
            a.stopServing();

            // The page saw its link end and came back through the balancer, now to node B.
            wait.until(ExpectedConditions.textToBe(By.id("link-status"), "reconnecting…"));
            wait.until(ExpectedConditions.textToBe(By.id("link-status"), "live"));
            browser.findElement(By.id("f-victimAge")).sendKeys("16");
            wait.until(ExpectedConditions.textToBe(By.id("status-victimAge"), "Saved"));

            // Read back from node B: the draft holds both fields.
            browser.navigate().refresh();
            wait.until(ExpectedConditions.attributeToBe(By.id("f-victimAge"), "value", "16"));
            assertThat(new Select(browser.findElement(By.id("f-situation"))).getFirstSelectedOption()
                    .getAttribute("value")).isEqualTo("POTENTIAL");
        } finally {
            if (browser != null) {
                browser.quit();
            }
            a.close();
        }
    }
}
