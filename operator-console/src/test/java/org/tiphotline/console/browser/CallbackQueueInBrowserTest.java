package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * The callback queue in real chromium: an operator sees the callers to call back in words (why, when, urgency,
 * attempts, the masked number), a caller who must not be called is marked and has no take button, a new one
 * arrives live, and taking a task rings the operator's phone through the simulated line; the callee answers and
 * the operator records that the caller was reached. The supervisor's page shows the same queue and sets a
 * do-not-call task aside. No page shows the number in full.
 */
class CallbackQueueInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private ConsoleClient api;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("hotline.jurisdiction.time-zone",
                org.tiphotline.console.callbacks.NoonZone.now());
        hotline = RunningHotline.start(data, settings);
        api = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
    }

    @AfterEach
    void stop() {
        browsers.forEach(WebDriver::quit);
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void anOperatorSeesTheQueueInWordsAndTakesACallback() {
        abandon("+1 555 0100 171", "YES", "YES");
        abandon("+1 555 0100 172", "NO", "NO");

        WebDriver operator = browser();
        // The panel redraws its rows on every live change: an element found a moment ago may be gone.
        var wait = new WebDriverWait(operator, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class);
        HeadlessChromium.signIn(operator, hotline.base(), "operator", "operator-demo");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        wait.until(d -> rows(d).size() == 2);

        WebElement callable = row(operator, "•••• 71");
        assertThat(callable.getText()).contains("Urgent", "Hung up in the phone menu after the danger question",
                "Attempts: 0 of 3", "Waiting");
        assertThat(callable.findElements(By.tagName("button"))).extracting(WebElement::getText)
                .containsExactly("Take and call •••• 71");
        WebElement unsafe = row(operator, "•••• 72");
        assertThat(unsafe.getText()).contains("Do not call: the caller said it is not safe to call back");
        assertThat(unsafe.findElements(By.tagName("button"))).extracting(WebElement::getText)
                .containsExactly("Set aside");
        assertThat(rows(operator).getFirst().getText()).as("may be called first").contains("•••• 71");

        // A caller who hangs up now appears without a reload.
        abandon("+1 555 0100 173", "NO", "YES");
        wait.until(d -> rows(d).size() == 3);
        assertThat(row(operator, "•••• 73").getText()).contains("Hung up in the phone menu", "Waiting");
        PageCheck.assertFitsAndIsAccessible(operator, "callbacks-console");

        // Taken: the operator's phone rings with the callback, the callee answers, the operator records it.
        wait.until(d -> {
            row(d, "•••• 71").findElement(By.tagName("button")).click();
            return true;
        });
        wait.until(d -> row(d, "•••• 71").getText().contains("Being called by you"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Ringing"));
        assertThat(operator.findElement(By.id("cb-caller")).getText()).contains("•••• 71");
        assertThat(operator.findElement(By.id("cb-urgency")).getText()).isEqualTo("Calling back");
        String line = callbackLine();
        operator.findElement(By.id("answer")).click();
        // The person called is rung once the operator's phone is picked up: until then the line refuses (409).
        wait.until(d -> api.post("/api/sim/calls/" + line + "/callee-answers", null).status() == 204);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Talking"));
        // Someone else picked up: the operator switches to the yes/no script, reads the cover story, ends safely.
        WebElement quietOn = wait.until(ExpectedConditions.elementToBeClickable(By.id("quiet-on")));
        ((org.openqa.selenium.JavascriptExecutor) operator).executeScript(
                "arguments[0].scrollIntoView({block: 'center'})", quietOn);
        quietOn.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quiet-cover-text")));
        assertThat(operator.findElement(By.id("quiet-cover-text")).getText()).contains("pharmacy");
        PageCheck.assertFitsAndIsAccessible(operator, "callbacks-quiet-script");
        WebElement safeEnd = wait.until(ExpectedConditions.elementToBeClickable(By.id("quiet-safe-end")));
        ((org.openqa.selenium.JavascriptExecutor) operator).executeScript(
                "arguments[0].scrollIntoView({block: 'center'})", safeEnd);
        safeEnd.click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("callbar")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pop"), "No call now."));
        wait.until(d -> {
            WebElement taken = row(d, "•••• 71");
            new Select(taken.findElement(By.tagName("select")))
                    .selectByVisibleText("Someone else answered (safe script used)");
            taken.findElements(By.tagName("button")).stream().filter(b -> b.getText().equals("Record")).findFirst()
                    .orElseThrow().click();
            return true;
        });
        // One attempt that did not reach the caller: the task stays, waiting for the next try.
        wait.until(d -> row(d, "•••• 71").getText().contains("Attempts: 1 of 3"));
        assertThat(operator.getPageSource()).doesNotContain("0100 171").doesNotContain("5550100171");

        // The supervisor's page: the same queue; a do-not-call task is set aside.
        WebDriver supervisor = browser();
        var watch = new WebDriverWait(supervisor, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class);
        HeadlessChromium.signIn(supervisor, hotline.base(), "supervisor", "supervisor-demo");
        watch.until(d -> rows(d).size() == 3);
        PageCheck.assertFitsAndIsAccessible(supervisor, "callbacks-supervisor");
        watch.until(d -> {
            row(d, "•••• 72").findElement(By.tagName("button")).click();
            return true;
        });
        watch.until(d -> rows(d).size() == 2);
        wait.until(d -> rows(d).size() == 2);
        assertThat(supervisor.getPageSource()).doesNotContain("0100 172").doesNotContain("5550100172");
    }

    /** A simulated caller answers the menu and hangs up before anyone answers. */
    private void abandon(String number, String danger, String safe) {
        JsonNode placed = api.post("/api/sim/calls", Map.of("callerNumber", number, "language", "en",
                "immediateDanger", danger, "safeToCallBack", safe, "stayInIvr", true)).body();
        String line = placed.get("providerCallId").asString();
        assertThat(api.post("/api/sim/calls/" + line + "/caller-hangup", null).status()).isEqualTo(204);
    }

    /** The simulated line's callback call now ringing (the line lists its calls, numbers masked). */
    private String callbackLine() {
        for (JsonNode c : api.get("/api/sim/calls").body()) {
            if (c.toString().contains("cb-")) {
                return c.get("providerCallId").asString();
            }
        }
        throw new AssertionError("no callback on the simulated line");
    }

    private static List<WebElement> rows(WebDriver d) {
        return d.findElements(By.cssSelector("#callbacks tbody tr[data-task]"));
    }

    private static WebElement row(WebDriver d, String mask) {
        return rows(d).stream().filter(r -> r.getText().contains(mask)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + mask));
    }

    private WebDriver browser() {
        WebDriver b = HeadlessChromium.start("1280,900");
        browsers.add(b);
        return b;
    }
}
