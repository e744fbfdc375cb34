package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.messaging.simp.broker.BrokerAvailabilityEvent;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.RabbitMq;
import org.tiphotline.console.testing.RunningHotline;

/**
 * RabbitMQ drops every connection (a restart of the broker, a network blip) while an operator waits for calls. The
 * console comes back by itself; the operator must still be available and see the next caller's screen pop, without
 * having noticed anything: at night nobody watches the link's word in the corner.
 */
class BrokerBlipInBrowserTest {

    @TempDir
    Path dir;

    @Test
    void anOperatorWaitingForCallsGetsTheNextCallAfterTheBrokerDroppedEveryConnection() throws Exception {
        HeadlessChromium.assumeInstalled();
        WebDriver browser = null;
        try (RunningHotline node = RunningHotline.start(dir, RelayAcrossNodesTest.relayed("first"))) {
            browser = HeadlessChromium.start("1400,1000");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            availableThenBlip(node, browser, wait);

            // A caller rings in: the operator is still available, and the screen pops.
            browser.findElement(By.id("sim-number")).clear();
            browser.findElement(By.id("sim-number")).sendKeys("+1 555 0100 7344");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("sim-place"))).click();
            new WebDriverWait(browser, Duration.ofSeconds(20))
                    .until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
            HeadlessChromium.screenshot(browser, "broker-blip-next-call-pops");
            assertThat(browser.findElement(By.id("presence")).getText()).isNotEqualTo("Away");
        } finally {
            if (browser != null) {
                HeadlessChromium.screenshot(browser, "broker-blip-end");
                browser.quit();
            }
        }
    }

    /**
     * Where the task force has turned the return off ({@code console-return=0s}), the operator is away after the
     * blip, and the console must say so: the presence it showed before the link dropped is stale, and "Available"
     * on the screen of someone the hotline no longer offers calls to is the worst thing it could show.
     */
    @Test
    void withoutTheReturnTheConsoleSaysTheOperatorIsAwayAfterTheBlip() throws Exception {
        HeadlessChromium.assumeInstalled();
        WebDriver browser = null;
        Map<String, String> settings = new HashMap<>(RelayAcrossNodesTest.relayed("first"));
        settings.put("hotline.routing.console-return", "0s");
        try (RunningHotline node = RunningHotline.start(dir, settings)) {
            browser = HeadlessChromium.start("1400,1000");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            availableThenBlip(node, browser, wait);

            wait.until(ExpectedConditions.textToBe(By.id("presence"),
                    "Away since your console lost its connection: choose Available to take calls again"));
            HeadlessChromium.screenshot(browser, "broker-blip-away-said");
            browser.findElement(By.id("go-available")).click();
            wait.until(ExpectedConditions.textToBe(By.id("presence"), "Available"));
        } finally {
            if (browser != null) {
                browser.quit();
            }
        }
    }

    /** Signs the operator in, makes them available, and has RabbitMQ drop every connection; back once relayed again. */
    private static void availableThenBlip(RunningHotline node, WebDriver browser, WebDriverWait wait)
            throws InterruptedException {
        HeadlessChromium.signIn(browser, node.base(), "operator", "operator-demo");
        wait.until(ExpectedConditions.textToBe(By.id("link-status"), "live"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("go-available"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("presence"), "Available"));

        CountDownLatch gone = new CountDownLatch(1);
        CountDownLatch back = new CountDownLatch(1);
        // Every event of the node comes here (a lambda carries no event type for Spring to filter by).
        node.listen((ApplicationListener<ApplicationEvent>) event -> {
            if (event instanceof BrokerAvailabilityEvent broker && !broker.isBrokerAvailable()) {
                gone.countDown();
            } else if (event instanceof BrokerAvailabilityEvent && gone.getCount() == 0) {
                back.countDown();
            }
        });
        RabbitMq.get().closeAllConnections();
        // The relay learns it from the broker's ERROR frames and the closed sockets, then connects again (within
        // milliseconds when the broker is up, every 5 s while it is not).
        assertThat(gone.await(30, TimeUnit.SECONDS)).as("the relay lost the broker").isTrue();
        assertThat(back.await(60, TimeUnit.SECONDS)).as("the relay is connected again").isTrue();
        assertThat(node.bean(StompBrokerRelayMessageHandler.class).isBrokerAvailable()).isTrue();
        wait.until(ExpectedConditions.textToBe(By.id("link-status"), "live"));
    }
}
