package org.tiphotline.console.browser;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.InstanceOfAssertFactories;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.routing.RoutingView;

/**
 * The reported night (issue 17): an urgent call rang at the only operator, in a background tab, silently; after
 * 20 s the operator was set away without being told, the screen said the call went to another operator who did
 * not exist, and the caller waited 5 min 39 s with no alarm to anyone. Here, in real chromium with the test's
 * clock: the ring is heard (the audio element plays in a loop), seen (a desktop notification, a flashing title,
 * a ring timer); the timeout is told in words with where the call went; the supervisor's page, at another desk,
 * raises the alarm with its own sound, and the supervisors' SMS channel (WireMock as Twilio) gets it once.
 */
class UnansweredUrgentCallInBrowserTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "7";
    private static final String DUTY_SUPERVISOR = "+15550100198";

    /**
     * Installed before any page script: records every play() of a media element and every desktop notification,
     * so the test observes what the page asked the browser to do.
     */
    private static final String RECORDER = """
            window.__rec = { plays: [], notes: [] };
            const play = HTMLMediaElement.prototype.play;
            HTMLMediaElement.prototype.play = function () {
              window.__rec.plays.push(this.id || this.src);
              return play.call(this);
            };
            if (window.Notification) {
              const Real = window.Notification;
              const Recording = function (title, options) {
                window.__rec.notes.push({ title: title, body: (options && options.body) || '' });
                return new Real(title, options);
              };
              Recording.requestPermission = (...args) => Real.requestPermission(...args);
              Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
              window.Notification = Recording;
            }
            """;

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WireMockServer twilio;
    private final TestClock clock = new TestClock();
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        twilio = TestTwilio.messagingApi(ACCOUNT);
        Map<String, String> settings = new LinkedHashMap<>();
        TestTwilio.messaging(settings, ACCOUNT, twilio.port());
        settings.put("hotline.escalation.supervisor-alerts[0].channel", "SMS");
        settings.put("hotline.escalation.supervisor-alerts[0].target", DUTY_SUPERVISOR);
        settings.put("hotline.routing.urgent-alarm-after", "60s");
        // The SMS here are counted: the floor's long-wait alert (issue 20, its own test: FloorAlertsTest) would add
        // one for the same call once it has waited a minute.
        settings.put("hotline.floor.alerts.longest-wait", "0s");
        hotline = RunningHotline.start(data, settings, clock);
    }

    @AfterEach
    void stop() {
        browsers.forEach(WebDriver::quit);
        if (hotline != null) {
            hotline.close();
        }
        twilio.stop();
    }

    @Test
    void theUnansweredUrgentCallRingsIsToldAndAlarmsTheSupervisors() {
        WebDriver supervisor = browser();
        HeadlessChromium.signIn(supervisor, hotline.base(), "supervisor", "supervisor-demo");
        grantNotifications(supervisor);
        waitFor(supervisor).until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));

        WebDriver operator = browser();
        WebDriverWait wait = waitFor(operator);
        HeadlessChromium.signIn(operator, hotline.base(), "operator", "operator-demo");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        // Permission is asked with a visible button, never on load; the test's browser grants it.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("notify-allow")));
        grantNotifications(operator);
        operator.findElement(By.id("notify-allow")).click();
        wait.until(d -> "granted".equals(js(d, "return Notification.permission")));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("notify-allow")));
        assertThat(operator.findElement(By.id("keyboard-help")).getText()).contains("Alt+A", "Alt+H");

        click(operator, "go-available");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));
        new Select(operator.findElement(By.id("sim-danger"))).selectByValue("YES");
        click(operator, "sim-place");

        // It rings: a tone in a loop, a notification naming no one, a flashing title, a timer.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Ringing"));
        assertThat(operator.findElement(By.id("cb-caller")).getText()).contains("••••").doesNotContain("0100");
        assertThat(operator.findElement(By.id("cb-urgency")).getText()).isEqualTo("Someone may be in danger");
        assertThat(operator.findElement(By.id("cb-language")).getText()).isEqualTo("English");
        wait.until(d -> Boolean.TRUE.equals(js(d, "return !document.getElementById('ring-tone').paused")));
        assertThat(js(operator, "return window.__rec.plays")).asInstanceOf(InstanceOfAssertFactories.LIST).contains("ring-tone");
        assertThat(js(operator, "return document.getElementById('ring-tone').loop")).isEqualTo(true);
        assertThat(js(operator, "return document.getElementById('ring-tone').currentSrc")).asString()
                .endsWith("/sounds/ring.wav");
        assertThat(js(operator, "return window.__rec.notes.map((n) => n.title + ' | ' + n.body)")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .singleElement().asString().startsWith("Incoming call").doesNotContain("0100").doesNotContain("111");
        List<Object> titles = new ArrayList<>();
        wait.until(d -> {
            Object title = js(d, "return document.title");
            if (!titles.contains(title)) {
                titles.add(title);
            }
            return titles.size() >= 2;
        });
        assertThat(titles).anySatisfy(t -> assertThat(t).asString().contains("Incoming call"));
        wait.until(ExpectedConditions.textMatches(By.id("cb-timer"), java.util.regex.Pattern.compile(
                "Ringing for \\d+:\\d\\d")));
        PageCheck.assertFitsAndIsAccessible(operator, "console-ringing");

        // Nobody answers within 20 s (the test's clock moves; nothing sleeps).
        clock.advance(Duration.ofSeconds(21));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("call-notice"),
                "You did not answer within 20 s, so you were set to Away."));
        assertThat(operator.findElement(By.id("call-notice")).getText())
                .contains("The call went back to the queue").contains("Press Available when you are back")
                .doesNotContain("another operator");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Away"));
        wait.until(d -> Boolean.TRUE.equals(js(d, "return document.getElementById('ring-tone').paused")));
        wait.until(d -> "Hotline console".equals(js(d, "return document.title")));
        wait.until(d -> d.findElements(By.cssSelector("#drafts a")).isEmpty());
        assertThat(operator.findElement(By.id("report-form")).isDisplayed()).as("no orphan form").isFalse();
        PageCheck.assertFitsAndIsAccessible(operator, "console-timed-out");
        assertThat(hotline.bean(RoutingView.class).snapshot().waiting()).singleElement()
                .satisfies(w -> assertThat(w.urgent()).isTrue());

        // Still nobody: after the configured delay every supervisor's screen raises the alarm, with its sound.
        WebDriverWait supervisorWait = waitFor(supervisor);
        clock.advance(Duration.ofSeconds(45));
        supervisorWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("floor-alarm")));
        assertThat(supervisor.findElement(By.id("floor-alarm")).getText())
                .contains("An urgent call has waited").contains("no operator is available")
                .doesNotContain("0100");
        supervisorWait.until(d -> Boolean.TRUE.equals(js(d, "return !document.getElementById('floor-alarm-tone')"
                + ".paused")));
        assertThat(js(supervisor, "return window.__rec.plays")).asInstanceOf(InstanceOfAssertFactories.LIST).contains("floor-alarm-tone");
        PageCheck.assertFitsAndIsAccessible(supervisor, "supervisor-alarm");

        // And the duty supervisor's phone, once per call, not once per tick; nothing personal in it.
        LoggedRequest sms = awaitSms();
        Map<String, String> form = TestTwilio.formFields(sms.getBodyAsString());
        assertThat(form).containsEntry("To", DUTY_SUPERVISOR);
        assertThat(form.get("Body")).contains("urgent call").contains("no operator is available")
                .doesNotContain("0100").doesNotContain("111");
        clock.advance(Duration.ofSeconds(30));
        sleepRealTime(Duration.ofMillis(1500));
        assertThat(twilio.findAll(postRequestedFor(urlEqualTo(
                "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json")))).hasSize(1);

        // Silencing stops the sound and keeps the banner until the call is taken or ends.
        click(supervisor, "floor-alarm-silence");
        supervisorWait.until(d -> Boolean.TRUE.equals(js(d, "return document.getElementById('floor-alarm-tone')"
                + ".paused")));
        assertThat(supervisor.findElement(By.id("floor-alarm")).isDisplayed()).isTrue();
    }

    private WebDriver browser() {
        WebDriver driver = HeadlessChromium.start("1280,720", "--autoplay-policy=no-user-gesture-required");
        ((ChromeDriver) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));
        browsers.add(driver);
        return driver;
    }

    /** What a person clicking "Allow" in the browser's own prompt does, which a headless browser cannot show. */
    private void grantNotifications(WebDriver browser) {
        ((ChromeDriver) browser).executeCdpCommand("Browser.grantPermissions", Map.of("origin", hotline.base(),
                "permissions", List.of("notifications")));
    }

    private static WebDriverWait waitFor(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private static Object js(WebDriver browser, String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void click(WebDriver browser, String id) {
        waitFor(browser).until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private LoggedRequest awaitSms() {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            List<LoggedRequest> sent = twilio.findAll(postRequestedFor(urlEqualTo(
                    "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json")));
            if (!sent.isEmpty()) {
                return sent.getFirst();
            }
            sleepRealTime(Duration.ofMillis(100));
        }
        throw new AssertionError("no SMS reached the duty supervisor");
    }

    /** Only where the test asserts that something does NOT happen a second time: ticks must get their chance. */
    private static void sleepRealTime(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
