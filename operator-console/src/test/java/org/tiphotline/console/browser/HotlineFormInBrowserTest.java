package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.web.context.support.ServletRequestHandledEvent;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The hotline registering form as the operator uses it during a call, in Debian's headless chromium (issue 17): no
 * word is lost (a refused note stays with its message across a reload), two tabs of the same operator cannot
 * silently overwrite each other (a field saved in one shows live in the other, unless the operator is in it: then
 * both values are shown), Submit sends once however often it is clicked, and the operator is told the case
 * number the report became. Each state that matters passes {@link PageCheck}.
 */
class HotlineFormInBrowserTest {

    private static final String REFUSED_NOTE = "Testvictim Fakename works <b>nights</b> at the fake pier";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
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
    void aRefusedNoteStaysInItsFieldWithItsMessageAfterAReload() {
        callAnswered();
        type("f-victimDetails", REFUSED_NOTE);
        waitForText(By.id("status-victimDetails"), "plain text");
        PageCheck.assertFitsAndIsAccessible(browser, "hotline-form-refused-value");

        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("f-victimDetails"), "value", REFUSED_NOTE));
        waitForText(By.id("status-victimDetails"), "Not accepted");
        assertThat(text("status-victimDetails")).contains("plain text");
        assertThat(browser.findElement(By.id("f-victimDetails")).getAttribute("aria-invalid")).isEqualTo("true");
        // Kept on the server, encrypted like the accepted personal fields: never readable in the table.
        String stored = hotline.bean(DSLContext.class).select(HOTLINE_REPORT.asterisk()).from(HOTLINE_REPORT)
                .fetchOne().formatJSON();
        assertThat(stored).doesNotContain("Fakename").doesNotContain("nights");
        // Nothing of it in the browser's own storage either.
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")).isEqualTo("{}{}");

        // Corrected, it is saved and the message goes.
        WebElement note = browser.findElement(By.id("f-victimDetails"));
        note.clear();
        note.sendKeys("Testvictim Fakename works nights at the fake pier");
        waitForSaved("status-victimDetails");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("f-victimDetails"), "value",
                "Testvictim Fakename works nights at the fake pier"));
        assertThat(text("status-victimDetails")).doesNotContain("Not accepted");
    }

    @Test
    void twoTabsOfTheSameOperatorSeeBothValuesInsteadOfOverwritingEachOther() {
        callAnswered();
        String first = browser.getWindowHandle();
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(hotline.base() + "/console.html");
        // The second tab reopens the same draft.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-victimDetails")));
        String second = browser.getWindowHandle();

        // A field the second tab is not in shows what the first tab saved, without a reload.
        browser.switchTo().window(first);
        type("f-victimEthnicity", "Testethnic (fake)");
        waitForSaved("status-victimEthnicity");
        browser.switchTo().window(second);
        wait.until(ExpectedConditions.attributeToBe(By.id("f-victimEthnicity"), "value", "Testethnic (fake)"));

        // The operator is in the details field of the second tab when the first tab saves it: nothing replaced.
        browser.findElement(By.id("f-victimDetails")).click();
        browser.switchTo().window(first);
        type("f-victimDetails", "Written in the first tab (fake)");
        waitForSaved("status-victimDetails");

        browser.switchTo().window(second);
        type("f-victimDetails", "Written in the second tab (fake)");
        WebElement conflict = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.id("conflict-victimDetails")));
        assertThat(conflict.getText()).contains("Written in the second tab (fake)")
                .contains("Written in the first tab (fake)").contains("another tab");
        PageCheck.assertFitsAndIsAccessible(browser, "hotline-form-conflict");

        conflict.findElement(By.cssSelector("button.keep-mine")).click();
        waitForSaved("status-victimDetails");
        assertThat(browser.findElements(By.id("conflict-victimDetails"))).isEmpty();

        browser.switchTo().window(first);
        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("f-victimDetails"), "value",
                "Written in the second tab (fake)"));
    }

    @Test
    void aDoubleClickOnSubmitSendsOneSubmission() {
        List<String> submissions = new CopyOnWriteArrayList<>();
        hotline.bean(ApplicationEventMulticaster.class).addApplicationListener(
                (ApplicationListener<ServletRequestHandledEvent>) e -> {
                    if (e.getMethod().equals("POST") && e.getRequestUrl().endsWith("/submit")) {
                        submissions.add(e.getRequestUrl());
                    }
                });
        callAnswered();
        new Select(browser.findElement(By.id("f-situation"))).selectByValue("POTENTIAL");
        waitForSaved("status-situation");
        click("hangup");
        waitForText(By.id("call-state"), "Ended");

        new Actions(browser).doubleClick(browser.findElement(By.id("submit"))).perform();
        waitForText(By.id("form-state"), "read-only");
        // Room for a second request to arrive, had the page sent one.
        wait.until(d -> !text("submit-status").isEmpty());
        sleep(Duration.ofMillis(700));
        assertThat(submissions).as("submit requests the server received").hasSize(1);
        waitForText(By.id("submit-status"), "registered");
        assertThat(text("submit-status")).doesNotContainIgnoringCase("already");
        DSLContext db = hotline.bean(DSLContext.class);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("hotline_report")
                .and(AUDIT_LOG.FIELDS.eq(new String[] {"status"})))).isEqualTo(1);
        assertThat(db.fetchCount(CASE_SOURCE)).isEqualTo(1);
    }

    @Test
    void theOperatorSeesWhatIsRequiredIsToldWhereItIsMissingAndLearnsTheCaseNumber() {
        callAnswered();
        PageCheck.assertFitsAndIsAccessible(browser, "hotline-form-open");
        // Required before anyone submits: marked on screen and for a screen reader.
        WebElement situation = browser.findElement(By.id("f-situation"));
        assertThat(situation.getAttribute("aria-required")).isEqualTo("true");
        assertThat(browser.findElement(By.cssSelector("label[for=f-situation] .required-mark")).isDisplayed())
                .isTrue();
        // Sections with a navigation, codes in words, countries by name.
        assertThat(browser.findElements(By.cssSelector("#form-nav a"))).extracting(WebElement::getText)
                .contains("Situation", "Victim", "Exploitation", "Reporting", "Caller");
        assertThat(browser.findElement(By.id("f-victimSex")).getText()).contains("Female").doesNotContain("FEMALE");
        new Select(browser.findElement(By.id("f-victimCountryOfBirth"))).selectByVisibleText("Jamaica");
        waitForSaved("status-victimCountryOfBirth");
        assertThat(browser.findElement(By.cssSelector("fieldset#f-traffickingTypes legend")).getText())
                .startsWith("Type of trafficking");
        assertThat(browser.findElement(By.id("form-shortcuts")).getText()).contains("Alt+N", "Ctrl+Enter");

        // The shortcut for the next section works from inside a field.
        browser.findElement(By.id("f-periodTo")).sendKeys(Keys.chord(Keys.ALT, "n"));
        wait.until(d -> "f-victimSex".equals(((JavascriptExecutor) d)
                .executeScript("return document.activeElement.id")));

        // Submit (by its shortcut, from a field) without the situation: the error is next to it, focus moved there.
        browser.findElement(By.id("f-victimAge")).sendKeys("16", Keys.chord(Keys.CONTROL, Keys.ENTER));
        waitForText(By.id("status-situation"), "Say whether trafficking occurred");
        wait.until(d -> "f-situation".equals(((JavascriptExecutor) d)
                .executeScript("return document.activeElement.id")));
        assertThat(situation.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(situation.getAttribute("aria-describedby")).contains("status-situation");
        PageCheck.assertFitsAndIsAccessible(browser, "hotline-form-error");

        new Select(situation).selectByValue("POTENTIAL");
        waitForSaved("status-situation");
        browser.findElement(By.id("f-victimAge")).sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        waitForText(By.id("submit-status"), "registered");
        String reference = hotline.bean(DSLContext.class).select(REGISTRY_CASE.REFERENCE).from(REGISTRY_CASE)
                .join(CASE_SOURCE).on(CASE_SOURCE.CASE_ID.eq(REGISTRY_CASE.ID)).fetchOne(REGISTRY_CASE.REFERENCE);
        assertThat(reference).matches("C-\\d{4}-\\d{6}");
        assertThat(text("submit-status")).contains("Case " + reference + " registered");
        PageCheck.assertFitsAndIsAccessible(browser, "hotline-form-submitted");
    }

    /** The demo operator goes available, a test call rings, the form opens and they answer. */
    private void callAnswered() {
        HeadlessChromium.signIn(browser, hotline.base(), "operator", "operator-demo");
        waitForText(By.id("link-status"), "live");
        click("go-available");
        waitForText(By.id("presence"), "vailable");
        WebElement number = browser.findElement(By.id("sim-number"));
        number.clear();
        number.sendKeys("+1 555 0100 188");
        click("sim-place");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
        click("answer");
        waitForText(By.id("call-state"), "alking");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private void type(String id, String text) {
        browser.findElement(By.id(id)).sendKeys(text);
    }

    /** "Saved" as the new form says it, "saved" as the old one did: the test is about the save, not the word. */
    private void waitForSaved(String statusId) {
        wait.until(d -> d.findElement(By.id(statusId)).getText().equalsIgnoreCase("saved"));
    }

    private void waitForText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }
}
