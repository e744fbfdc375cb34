package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestDirectory;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import java.util.regex.Pattern;
import org.tiphotline.console.testing.PageCheck;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newcomer's journey in a real browser (Debian's headless chromium): the demo operator places a test call,
 * gets the screen pop in the call bar, answers with Alt+A while typing in the form, fills the form (an invalid value
 * shows its error next to the field), reloads the page mid-call and finds the call bar, the phone menu's answers and
 * the draft intact, hangs up with Alt+H, submits; the supervisor finds the call, its timeline and its report in the
 * call log.
 */
class OperatorInBrowserTest {

    private static final String FAKE_DESCRIPTION = "Fake account: pelican-harbour work site, no real person";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;
    private final java.util.List<WebDriver> others = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        browser = newBrowser();
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    /** A browser of its own (its own profile and cookies): a second person at another desk. */
    private WebDriver newBrowser() {
        WebDriver driver = HeadlessChromium.start("1400,1000");
        others.add(driver);
        return driver;
    }

    @AfterEach
    void stop() {
        others.forEach(WebDriver::quit);
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void anOperatorTakesACallFillsTheFormAndTheSupervisorFindsIt() {
        hotline = RunningHotline.start(data);
        login("operator", "operator-demo");
        waitForText(By.id("link-status"), "live");
        click("go-available");
        waitForText(By.id("presence"), "Available");

        WebElement number = browser.findElement(By.id("sim-number"));
        number.clear();
        number.sendKeys("+1 555 0100 7342");
        new Select(browser.findElement(By.id("sim-language"))).selectByValue("es");
        new Select(browser.findElement(By.id("sim-danger"))).selectByValue("YES");
        new Select(browser.findElement(By.id("sim-type"))).selectByValue("AFFECTED_PERSON");
        new Select(browser.findElement(By.id("sim-safe"))).selectByValue("NO");
        click("sim-place");

        waitForText(By.id("cb-caller"), "•••• 42");
        assertThat(browser.findElement(By.id("pop-safe")).getText()).isEqualTo("No: do not call back");
        assertThat(browser.findElements(By.id("pop-quiet"))).as("the caller did not press the key").isEmpty();
        assertThat(browser.findElement(By.id("cb-urgency")).getText()).isEqualTo("Someone may be in danger");
        assertThat(browser.findElement(By.id("cb-language")).getText()).isEqualTo("Spanish");
        assertThat(browser.findElement(By.id("pop-caller")).getText()).doesNotContain("0100");
        assertThat(browser.findElement(By.id("pop-ivr")).getText()).contains("Language: Spanish")
                .contains("The person affected").doesNotContain("AFFECTED_PERSON");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));

        // Answered from the keyboard while the cursor is in a field of the form: the field gets no character.
        browser.findElement(By.id("f-victimAge")).click();
        browser.findElement(By.id("f-victimAge")).sendKeys(Keys.chord(Keys.ALT, "a"));
        waitForText(By.id("cb-state"), "Talking");
        assertThat(browser.findElement(By.id("f-victimAge")).getAttribute("value")).isEmpty();
        waitForText(By.id("call-state"), "Talking");
        wait.until(ExpectedConditions.textMatches(By.id("cb-timer"), Pattern.compile("Talking for \\d+:\\d\\d")));

        new Select(browser.findElement(By.id("f-situation"))).selectByValue("POTENTIAL");
        waitForText(By.id("status-situation"), "Saved");
        type("f-victimAge", "430");
        waitForText(By.id("status-victimAge"), "must be 120 or less");
        assertThat(browser.findElement(By.id("status-victimAge")).getAttribute("class")).contains("error");
        browser.findElement(By.id("f-victimAge")).clear();
        type("f-victimAge", "16");
        waitForText(By.id("status-victimAge"), "Saved");
        type("f-exploitationDescription", FAKE_DESCRIPTION);
        waitForText(By.id("status-exploitationDescription"), "Saved");
        screenshot("operator-console");
        // The call bar stays in view while the operator is deep in the form.
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, document.body.scrollHeight)");
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('hangup').getBoundingClientRect().top")).asString()
                .matches("\\d+(\\.\\d+)?").satisfies(top -> assertThat(Double.parseDouble(top)).isLessThan(100));
        PageCheck.assertFitsAndIsAccessible(browser, "console-talking");
        WebElement domesticLabour = browser.findElement(By.cssSelector(
                "input[name=traffickingTypes][value=DOMESTIC_LABOUR]"));
        // As a person would: scrolled to where the call bar does not cover it.
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({ block: 'center' })",
                domesticLabour);
        domesticLabour.click();
        waitForText(By.id("status-traffickingTypes"), "Saved");

        // A closed tab or a crashed browser: the draft comes back from the server.
        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("f-exploitationDescription"), "value", FAKE_DESCRIPTION));
        assertThat(browser.findElement(By.id("f-victimAge")).getAttribute("value")).isEqualTo("16");
        assertThat(browser.findElement(By.cssSelector("input[name=traffickingTypes][value=DOMESTIC_LABOUR]"))
                .isSelected()).isTrue();
        waitForText(By.id("cb-state"), "Talking");
        assertThat(browser.findElement(By.id("cb-caller")).getText()).isEqualTo("•••• 42");
        assertThat(browser.findElement(By.id("cb-language")).getText()).isEqualTo("Spanish");
        assertThat(browser.findElement(By.id("pop-ivr")).getText()).contains("Language: Spanish");
        assertThat(browser.findElement(By.id("pop-earlier")).getText()).isEqualTo("None from this number");
        assertThat(browser.findElement(By.id("pop-safe")).getText()).isEqualTo("No: do not call back");
        wait.until(ExpectedConditions.textMatches(By.id("cb-timer"), Pattern.compile("Talking for \\d+:\\d\\d")));

        browser.findElement(By.id("f-exploitationDescription")).sendKeys(Keys.chord(Keys.ALT, "h"));
        waitForText(By.id("cb-state"), "Call ended");
        waitForText(By.id("call-state"), "Ended");
        assertThat(browser.findElement(By.id("f-exploitationDescription")).getAttribute("value"))
                .isEqualTo(FAKE_DESCRIPTION);
        click("submit");
        waitForText(By.id("submit-status"), "Report submitted.");
        assertThat(browser.findElement(By.id("f-exploitationDescription")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("form-state")).getText()).contains("read-only");

        browser.findElement(By.cssSelector("form.logout button")).click();
        // The logout POST navigates on its own; loading /login before it lands raced it (CI saw a blank page).
        wait.until(ExpectedConditions.urlContains("/login?logout"));
        login("supervisor", "supervisor-demo");
        wait.until(ExpectedConditions.urlContains("/supervisor.html"));
        WebElement row = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#calllog tr.clickable")));
        assertThat(row.getText()).contains("•••• 42", "Demo Operator One", "Answered", "Submitted",
                "Not safe to call back");
        row.click();
        waitForText(By.id("detail-outcome"), "Answered");
        assertThat(browser.findElement(By.id("detail-callback")).getText()).isEqualTo("Not safe to call back");
        List<String> events = browser.findElements(By.cssSelector("#timeline .event-type")).stream()
                .map(WebElement::getText).toList();
        // The supervisor's page reads events in words (issue 17), from labels.properties.
        assertThat(events).containsExactly("Call arrived", "Menu answer", "Menu answer", "Menu answer",
                "Menu answer", "Waiting in the queue", "Offered to an operator", "Ringing at an operator", "Answered", "Call ended");
        waitForText(By.id("report-status"), "Submitted");
        assertThat(browser.findElement(By.id("report-values")).getText()).contains(FAKE_DESCRIPTION, "16");
        screenshot("supervisor-call-log");
    }

    /**
     * An operator escalates during a call, allowing identifying details under the imminent-danger override; the
     * police liaison, at another desk, sees it appear, acknowledges, reads the details and records the outcome;
     * the operator's console and the supervisor's page show each step without a reload, and the supervisor sees
     * the override.
     */
    @Test
    void anOperatorEscalatesAndSeesThePoliceLiaisonsAcknowledgementLive() {
        hotline = TestDirectory.withPoliceLiaison(data);

        login("operator", "operator-demo");
        waitForText(By.id("link-status"), "live");
        click("go-available");
        waitForText(By.id("presence"), "Available");
        click("sim-place");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
        click("answer");
        waitForText(By.id("cb-state"), "Talking");

        WebDriver liaison = newBrowser();
        WebDriverWait liaisonWait = new WebDriverWait(liaison, Duration.ofSeconds(15));
        liaison.get(hotline.base() + "/login");
        liaisonWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("police1");
        liaison.findElement(By.id("password")).sendKeys("police1-test");
        liaison.findElement(By.cssSelector("button[type=submit]")).click();
        liaisonWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        assertThat(liaison.getCurrentUrl()).endsWith("/liaison.html");

        WebDriver supervisor = newBrowser();
        WebDriverWait supervisorWait = new WebDriverWait(supervisor, Duration.ofSeconds(15));
        supervisor.get(hotline.base() + "/login");
        supervisorWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("supervisor");
        supervisor.findElement(By.id("password")).sendKeys("supervisor-demo");
        supervisor.findElement(By.cssSelector("button[type=submit]")).click();
        supervisorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));

        type("f-locationDetail", "behind the fake test warehouse");
        waitForText(By.id("status-locationDetail"), "Saved");
        new Select(browser.findElement(By.id("esc-agency"))).selectByValue("test-police");
        new Select(browser.findElement(By.id("esc-mode"))).selectByValue("CONFERENCE");
        new Select(browser.findElement(By.id("esc-danger"))).selectByValue("CONFINEMENT");
        type("esc-reason", "caller locked in a work site (fake)");
        new Select(browser.findElement(By.id("esc-disclose"))).selectByValue("OVERRIDE_IMMINENT_DANGER");
        type("esc-justification", "the men come back within the hour (fake)");
        click("esc-raise");
        waitForText(By.id("esc-status"), "identifying details allowed");
        waitForText(By.id("esc-list"), "Open");

        // It appears at the police's desk by itself; they acknowledge.
        liaisonWait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.ack"))).click();
        liaisonWait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".esc-status"),
                "Acknowledged"));

        waitForText(By.id("esc-list"), "Acknowledged");
        // The supervisor watched it go from open to acknowledged, also without a reload, and sees the override.
        supervisorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("escalations"),
                "Acknowledged"));
        assertThat(supervisor.findElement(By.id("escalations")).getText()).contains("Held against their will")
                .as("the operator's words are read one escalation at a time").doesNotContain("work site");
        supervisorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overrides"),
                "the men come back within the hour (fake)"));
        screenshot("operator-sees-acknowledgement");

        // The liaison reads the details the override allows, and records what was done.
        liaison.findElement(By.cssSelector("button.details")).click();
        liaisonWait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("dl.identifying"),
                "behind the fake test warehouse"));
        assertThat(liaison.findElement(By.cssSelector("dl.identifying")).getText())
                .as("the override lets the operator's words go too").contains("caller locked in a work site");
        new Select(liaison.findElement(By.id("outcome-code"))).selectByValue("OFFICERS_DISPATCHED");
        liaison.findElement(By.id("outcome-note")).sendKeys("two officers of the test unit (fake)");
        liaison.findElement(By.cssSelector("button.outcome")).click();
        liaisonWait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".esc-status"),
                "Officers dispatched"));
        waitForText(By.id("esc-list"), "Officers dispatched");
        supervisorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("escalations"),
                "Officers dispatched"));
    }

    /**
     * On a Twilio number the console loads the Twilio Voice SDK from its own origin and registers a Device with
     * the token our server signed. Twilio itself is out of reach here, so the Device cannot connect: what is
     * checked is everything on our side, up to the SDK trying.
     */
    @Test
    void theAdministratorReadsTheSystemStatusInWords() {
        // A clock that stands still: the fifth try always comes within its wait, however slow the browser.
        hotline = RunningHotline.start(data, Map.of(), new org.tiphotline.console.testing.TestClock());
        // Someone guessing a password at the form: four wrong, the fifth refused at once (it must wait 1 s).
        for (int i = 0; i < 5; i++) {
            login("testguessed", "Wrong-Pass-Quokka-" + i);
            wait.until(ExpectedConditions.or(ExpectedConditions.urlContains("/login?error"),
                    ExpectedConditions.titleIs("Please wait")));
        }
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .isEqualTo("Too many failed sign-ins. Try again in 1 s.");
        login("admin", "admin-demo");
        // Loading the status page before the sign-in's POST has landed aborts it (CI under load: the login page
        // came back instead, with no #telephony): wait to leave the login page first.
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
        browser.get(hotline.base() + "/status.html");
        waitForText(By.id("telephony"), "Simulated line (demo and training)");
        assertThat(browser.findElement(By.id("telephony")).getText()).contains("Working");
        assertThat(browser.findElement(By.id("database")).getText()).startsWith("Working (schema version ")
                .endsWith("The application connects as hotline_app, a role that owns nothing.");
        assertThat(browser.findElement(By.id("keys")).getText()).isEqualTo(
                "Keys held: k1 to encrypt personal data; h1 to match caller numbers.");
        // Where a key rotation stands, in words: nothing to rotate on a fresh demo.
        assertThat(browser.findElement(By.id("key-rotation")).getText()).startsWith(
                "New personal data is encrypted with key k1.\n").endsWith("Caller numbers are matched with hash key h1.")
                .doesNotContain("can be retired");
        assertThat(browser.findElement(By.id("alerts")).getText()).isEqualTo("No alert channel is configured.");
        waitForText(By.id("signin-users"), "testguessed");
        assertThat(browser.findElement(By.id("signin-users")).getText()).contains("testguessed 5 1")
                .doesNotContain("Quokka");
        screenshot("system-status");
    }

    @Test
    void onATwilioNumberTheConsoleRegistersTheBrowserPhoneWithOurToken() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("hotline.telephony.twilio.enabled", "true");
        settings.put("hotline.telephony.twilio.account-sid", "AC" + "0".repeat(31) + "1");
        settings.put("hotline.telephony.twilio.auth-token", "test-only-twilio-auth-token");
        settings.put("hotline.telephony.twilio.public-base-url", "https://hotline.example.test");
        // Twilio's REST API is never reached in this test; a closed loopback port fails fast if it were.
        settings.put("hotline.telephony.twilio.api-base-url", "http://127.0.0.1:9");
        settings.put("hotline.telephony.twilio.api-key-sid", "SK" + "0".repeat(31) + "2");
        settings.put("hotline.telephony.twilio.api-key-secret", "test-only-api-key-secret-0123456789");
        hotline = RunningHotline.start(data, settings);
        login("operator", "operator-demo");
        waitForText(By.id("link-status"), "live");

        JavascriptExecutor js = (JavascriptExecutor) browser;
        wait.until(d -> Boolean.TRUE.equals(js.executeScript(
                "return typeof Softphone !== 'undefined' && Softphone.device !== null")));
        assertThat(js.executeScript("return typeof Twilio.Device")).isEqualTo("function");
        assertThat((String) js.executeScript("return Twilio.Device.version || ''")).startsWith("2.");
        assertThat(browser.findElement(By.id("softphone")).isDisplayed()).isTrue();
        assertThat(js.executeScript("return Softphone.state")).isIn("registering", "error", "ready");
        // The Device holds the token our server signed for this operator.
        String identity = (String) js.executeScript("return JSON.parse(atob(Softphone.device.token.split('.')[1]"
                + ".replace(/-/g, '+').replace(/_/g, '/'))).grants.identity");
        assertThat(identity).matches("operator-\\d+");
        assertThat(browser.findElement(By.id("answer")).isDisplayed()).as("no browser call yet").isFalse();
    }

    /** Kept under target/screenshots for whoever reads a failed CI run. */
    private void screenshot(String name) {
        HeadlessChromium.screenshot(browser, name);
    }

    private void login(String username, String password) {
        browser.get(hotline.base() + "/login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private void type(String id, String text) {
        browser.findElement(By.id(id)).sendKeys(text);
    }

    private void waitForText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }
}
