package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Operators;
import org.tiphotline.telephony.simulated.SimulatedLine;

/**
 * A caller who cannot speak freely, in a real browser (Debian's headless chromium). The operator, on a simulated
 * call, switches the console to the yes/no script: the cover story is in view, the danger question comes first,
 * the digit 1 pressed on the keyboard saves "yes" into the report's field, and "Safe end" hangs up through the
 * console's own hang-up and leaves a screen with nothing of the call; the call's timeline holds the switch and the
 * operator's hang-up, and the supervisor's call log says in words that the script was used. A caller who pressed
 * the IVR's digit pops straight into the script.
 */
class QuietModeInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        browser = HeadlessChromium.start("1280,720");
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void theOperatorSwitchesToTheScriptAnswersDangerWithADigitAndEndsTheCallSafely() {
        hotline = RunningHotline.start(data);
        operatorAvailable();
        WebElement number = browser.findElement(By.id("sim-number"));
        number.clear();
        number.sendKeys("+1 555 0100 7351");
        click("sim-place");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
        // While it rings the switch is offered already; the script's Safe end waits for the call to be answered.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quiet-on")));
        click("answer");
        waitForText(By.id("cb-state"), "Talking");
        CallId call = CallId.parse(String.valueOf(js("return Console.call.id")));

        click("quiet-on");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quiet-script")));
        assertThat(browser.findElement(By.id("quiet-cover-text")).getText())
                .isEqualTo("“This is the pharmacy returning your call about your prescription.”");
        assertThat(browser.findElement(By.id("quiet-label")).getText())
                .isEqualTo("Someone is in immediate danger now");
        assertThat(browser.findElement(By.id("quiet-progress")).getText()).startsWith("Question 1 of ");
        assertThat(browser.findElements(By.cssSelector("#quiet-question .quiet-choice")).stream()
                .map(WebElement::getText).toList()).containsExactly("1 Yes", "2 No");
        assertThat(browser.findElement(By.id("quiet-offer")).isDisplayed()).isFalse();
        PageCheck.assertFitsAndIsAccessible(browser, "console-quiet-script");

        // The caller presses (or says) 1; the operator types it: the answer is saved in the report's own field.
        new Actions(browser).sendKeys("1").perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#quiet-answers li[data-field=dangerNow] .quiet-answer"), "Yes"));
        waitForText(By.id("status-dangerNow"), "Saved");
        assertThat(browser.findElement(By.id("f-dangerNow")).getAttribute("value")).isEqualTo("true");
        assertThat(browser.findElement(By.id("quiet-danger")).isDisplayed()).as("the way to escalate").isTrue();
        waitForText(By.id("quiet-progress"), "Question 2 of ");
        assertThat(browser.findElement(By.id("quiet-label")).getText()).startsWith("The human trafficking");
        new Actions(browser).sendKeys("2").perform();
        waitForText(By.id("status-situation"), "Saved");
        Record2<Boolean, String> stored = db().select(HOTLINE_REPORT.DANGER_NOW, HOTLINE_REPORT.SITUATION)
                .from(HOTLINE_REPORT).where(HOTLINE_REPORT.CALL_ID.eq(call.value())).fetchSingle();
        assertThat(stored.value1()).as("danger now, in the report").isTrue();
        assertThat(stored.value2()).isEqualTo("POTENTIAL");
        PageCheck.assertFitsAndIsAccessible(browser, "console-quiet-script-answered");

        click("quiet-safe-end");
        waitForText(By.id("pop"), "No call now.");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("callbar")));
        assertThat(browser.findElement(By.id("quiet")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("report-form")).isDisplayed()).isFalse();
        String screen = browser.findElement(By.tagName("body")).getText();
        assertThat(screen).doesNotContain("•••• 51", "pharmacy", "danger now", "Situation", "script");
        HeadlessChromium.screenshot(browser, "console-quiet-safe-end");

        Call ended = calls().load(call).orElseThrow();
        long operator = hotline.bean(Operators.class).byUsername("operator").orElseThrow().id().value();
        List<CallEventType> types = ended.events().stream().map(CallEvent::type).toList();
        assertThat(types).containsSubsequence(CallEventType.ANSWERED, CallEventType.QUIET_MODE, CallEventType.ENDED);
        CallEvent quiet = ended.events().stream().filter(e -> e.type() == CallEventType.QUIET_MODE).findFirst()
                .orElseThrow();
        assertThat(quiet.operator().value()).isEqualTo(operator);
        // Safe end asks the line to hang up (every provider, desk phones too): the line reports the hotline's doing.
        assertThat(ended.events().getLast().detail("by")).as("hung up by the hotline at the operator's safe end")
                .isEqualTo("system");
        assertThat(ended.quietMode()).isTrue();

        // The supervisor reads it in words, in the list and in the call's detail.
        browser.findElement(By.cssSelector("form.logout button")).click();
        wait.until(ExpectedConditions.urlContains("/login?logout"));
        HeadlessChromium.signIn(browser, hotline.base(), "supervisor", "supervisor-demo");
        WebElement row = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#calllog tr.clickable")));
        assertThat(row.getText()).contains("Could not speak freely: the yes/no script was used");
        row.click();
        waitForText(By.id("detail-quiet"), "Could not speak freely: the yes/no script was used");
        assertThat(browser.findElements(By.cssSelector("#timeline .event-type")).stream().map(WebElement::getText)
                .toList()).contains("Switched to the yes/no script");
    }

    @Test
    void aCallerWhoPressedTheIvrDigitPopsStraightIntoTheScript() {
        hotline = RunningHotline.start(data);
        operatorAvailable();
        Map<IvrQuestion, String> answers = new EnumMap<>(IvrQuestion.class);
        answers.put(IvrQuestion.LANGUAGE, "en");
        answers.put(IvrQuestion.IMMEDIATE_DANGER, "NO");
        answers.put(IvrQuestion.CANNOT_SPEAK_FREELY, "YES");
        hotline.bean(SimulatedLine.class).place("+1 555 0100 7352", "HOTLINE", answers, false);

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quiet-script")));
        waitForText(By.id("cb-state"), "Ringing");
        assertThat(browser.findElement(By.id("quiet-offer")).isDisplayed()).as("already switched").isFalse();
        assertThat(browser.findElement(By.id("quiet-label")).getText())
                .isEqualTo("Someone is in immediate danger now");
        assertThat(browser.findElement(By.id("quiet-safe-end")).isDisplayed()).as("nothing to end yet").isFalse();
        PageCheck.assertFitsAndIsAccessible(browser, "console-quiet-pop");

        click("answer");
        waitForText(By.id("cb-state"), "Talking");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quiet-safe-end")));
        // A click answers as well as a digit: "No" is saved, and no escalation is offered.
        browser.findElement(By.cssSelector("#quiet-question .quiet-choice[data-digit='2']")).click();
        waitForText(By.id("status-dangerNow"), "Saved");
        assertThat(browser.findElement(By.id("f-dangerNow")).getAttribute("value")).isEqualTo("false");
        assertThat(browser.findElement(By.id("quiet-danger")).isDisplayed()).isFalse();
        UUID call = UUID.fromString(String.valueOf(js("return Console.call.id")));
        assertThat(db().select(HOTLINE_REPORT.DANGER_NOW).from(HOTLINE_REPORT).where(HOTLINE_REPORT.CALL_ID.eq(call))
                .fetchSingle().value1()).isFalse();
        // The IVR's digit is the mode already: the console recorded no second switch.
        assertThat(calls().load(new CallId(call)).orElseThrow().events()).extracting(CallEvent::type)
                .doesNotContain(CallEventType.QUIET_MODE);
    }

    private void operatorAvailable() {
        HeadlessChromium.signIn(browser, hotline.base(), "operator", "operator-demo");
        waitForText(By.id("link-status"), "live");
        click("go-available");
        waitForText(By.id("presence"), "Available");
    }

    private Calls calls() {
        return hotline.bean(Calls.class);
    }

    private DSLContext db() {
        return hotline.bean(DSLContext.class);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void click(String id) {
        WebElement target = wait.until(ExpectedConditions.elementToBeClickable(By.id(id)));
        // Chromium clicks without scrolling an element it deems in view, even under the sticky call bar (seen once
        // the pop grew the caller's history): a person would scroll it to the middle first, so does the test.
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "arguments[0].scrollIntoView({block: 'center'})", target);
        target.click();
    }

    private void waitForText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }
}
