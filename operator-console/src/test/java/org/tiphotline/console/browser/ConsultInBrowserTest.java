package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * A warm transfer between two operators on the simulated line, as both see it in real chromium (issue 20 F): the
 * first answers a call and asks the second by name; the second's console says who asks, in words; the simulated
 * line's panel shows the caller on hold and the colleague on the line; the first types a last line into the report
 * and hands over at once, and is told so (and goes to after-call work, the report off their screen); the second's
 * console has the call, talking, and the report with that line in it, hangs up and submits it. The call log then holds the
 * consult and the transfer to the second operator, and the call is a completed one.
 */
class ConsultInBrowserTest {

    private static final String TYPED = "Said to the first operator: works at a fake farm (test)";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver one;
    private WebDriver two;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
    }

    @AfterEach
    void stop() {
        for (WebDriver b : new WebDriver[] {one, two}) {
            if (b != null) {
                b.quit();
            }
        }
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void theFirstOperatorAsksTheSecondThenHandsTheCallerOver() throws Exception {
        one = HeadlessChromium.start("1280,900");
        WebDriverWait oneWait = signIn(one, "operator", "operator-demo");
        two = HeadlessChromium.start("1280,900");
        WebDriverWait twoWait = signIn(two, "operator2", "operator2-demo");

        one.findElement(By.id("go-available")).click();
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));
        ConsoleClient api = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode placed = api.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 181", "language", "en"))
                .body();
        String sim = placed.get("providerCallId").asString();
        String call = placed.get("call").asString();
        oneWait.until(ExpectedConditions.elementToBeClickable(By.id("answer"))).click();
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Talking"));
        // The colleague comes to their seat only now, so the call was never theirs to ring.
        two.findElement(By.id("go-available")).click();
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));

        oneWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("consult")));
        one.findElement(By.id("consult-refresh")).click();
        oneWait.until(d -> new Select(d.findElement(By.id("consult-colleague"))).getOptions().stream()
                .anyMatch(o -> o.getText().equals("Demo Operator Two (English)") && o.isEnabled()));
        new Select(one.findElement(By.id("consult-colleague"))).selectByVisibleText("Demo Operator Two (English)");
        one.findElement(By.id("consult-ask")).click();
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("consult-status"),
                "Ringing Demo Operator Two. The caller is on hold."));
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("consult-told"),
                "Demo Operator One asks you about a call (the caller is on hold)"));
        // The simulated line's panel (redrawn every 2 s) shows the three parties.
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sim-calls"),
                "caller on hold · colleague on the line"));
        assertThat(one.findElement(By.id("consult-hand-over")).isDisplayed()).isTrue();
        assertThat(one.findElement(By.id("consult-back")).getText()).isEqualTo("Back to the caller");
        ((org.openqa.selenium.JavascriptExecutor) one).executeScript(
                "document.getElementById('consult').scrollIntoView({block: 'center'})");
        HeadlessChromium.screenshot(one, "consult-asking-a-colleague");

        // Typed just before the hand-over, still waiting for the typing to pause: handing over saves it first.
        one.findElement(By.id("f-victimDetails")).sendKeys(TYPED);
        // Typing scrolled the form into view; the call bar stays on top of the page, over what is above the form.
        ((org.openqa.selenium.JavascriptExecutor) one).executeScript(
                "document.getElementById('consult-hand-over').scrollIntoView({block: 'center'})");
        one.findElement(By.id("consult-hand-over")).click();
        String handedOver = "You handed the caller over to Demo Operator Two. The report went with the call: "
                + "Demo Operator Two finishes it.";
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("call-notice"), handedOver));
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("call-header"), handedOver));
        assertThat(one.findElement(By.id("report-form")).isDisplayed()).as("nothing of the report stays").isFalse();
        oneWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "After-call work"));
        oneWait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("consult")));
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("consult-told"),
                "Demo Operator One handed the caller over to you: you are on the call"));
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Talking"));
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "On a call"));
        twoWait.until(ExpectedConditions.attributeToBe(By.id("f-victimDetails"), "value", TYPED));
        HeadlessChromium.screenshot(two, "consult-handed-over-colleague");
        String page = one.findElement(By.tagName("body")).getText();
        assertThat(page).as("words, not codes").doesNotContain("ON_CALL").doesNotContain("HANDED_OVER")
                .doesNotContain("CONSULTED");

        twoWait.until(ExpectedConditions.elementToBeClickable(By.id("hangup"))).click();
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Call ended"));
        assertThat(api.get("/api/sim/calls").body().toString()).doesNotContain(sim);
        new Select(two.findElement(By.id("f-situation"))).selectByValue("POTENTIAL");
        two.findElement(By.id("submit")).click();
        twoWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("submit-status"),
                "Report submitted."));

        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        JsonNode detail = supervisor.get("/api/calllog/" + call).body();
        List<String> types = new ArrayList<>();
        detail.get("timeline").forEach(e -> types.add(e.get("type").asString()));
        assertThat(types).containsSubsequence("ANSWERED", "CONSULTED", "TRANSFERRED", "ENDED");
        assertThat(detail.get("summary").get("operatorName").asString()).isEqualTo("Demo Operator Two");
        assertThat(detail.get("summary").get("outcome").asString()).isEqualTo("COMPLETED");
    }

    private WebDriverWait signIn(WebDriver browser, String user, String password) {
        HeadlessChromium.signIn(browser, hotline.base(), user, password);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // The colleagues' list is drawn anew when asked again: an option found just before is then stale.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        return wait;
    }
}
