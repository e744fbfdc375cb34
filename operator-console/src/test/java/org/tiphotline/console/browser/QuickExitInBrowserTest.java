package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The online form's quick exit in a real browser (Debian's headless chromium), for someone who is walked in on: the
 * button and the Escape key (pressed while typing in the description) each put a neutral page in the form's place,
 * with nothing of the hotline on it, the tab's storage for the site emptied, and Back leading to the page before the
 * form, never to the form.
 */
class QuickExitInBrowserTest {

    /** The page the visitor was on before the form: where Back must lead after a quick exit. */
    private static final String BEFORE = "data:text/html,<title>Before the form</title><p>an earlier page</p>";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        browser = HeadlessChromium.start("1280,720", "--lang=en-US");
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
    void theButtonAndEscapeReplaceTheFormWithANeutralPageThatBackCannotUndo() {
        hotline = RunningHotline.start(data, java.util.Map.of("hotline.jurisdiction.hotline-number", "+1 555 0100"));

        openTheFormAfterAnotherPage();
        // However far down the form the visitor is, the way out is in view.
        js("window.scrollTo(0, document.body.scrollHeight)");
        assertThat(((Number) js("return document.getElementById('quick-exit').getBoundingClientRect().top"))
                .doubleValue()).isBetween(0.0, 60.0);
        PageCheck.assertFitsAndIsAccessible(browser, "online-form-quick-exit");
        PageCheck.assertFitsAPhoneAndIsAccessible(browser, "online-form-quick-exit");
        assertThat(browser.findElement(By.id("quick-exit")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("quick-exit")).getText()).isEqualTo("Quick exit");
        browser.findElement(By.id("quick-exit")).click();
        assertNeutralPageAndNoWayBack();
        PageCheck.assertFitsAndIsAccessible(browser, "quick-exit-neutral-page");

        // Escape, while the visitor types in a field, and in Spanish: the same.
        browser.get(BEFORE);
        browser.get(hotline.base() + "/report.html?lang=es");
        waitForText(By.id("quick-exit"), "Salida rápida");
        keepSomethingInTheTab();
        browser.findElement(By.id("f-description")).sendKeys("Fake test words being typed", Keys.ESCAPE);
        assertNeutralPageAndNoWayBack();
    }

    private void openTheFormAfterAnotherPage() {
        browser.get(BEFORE);
        browser.get(hotline.base() + "/report.html");
        waitForText(By.id("emergency"), "+1 555 0100");
        keepSomethingInTheTab();
        browser.findElement(By.id("f-description")).sendKeys("Fake test report: the quokka test bakery");
    }

    /** The form keeps nothing in the tab today; whatever a later version keeps must go with the quick exit. */
    private void keepSomethingInTheTab() {
        js("sessionStorage.setItem('fake-draft', 'Fake test words')");
        assertThat(js("return sessionStorage.length")).isEqualTo(1L);
    }

    private void assertNeutralPageAndNoWayBack() {
        wait.until(ExpectedConditions.urlToBe(hotline.base() + "/weather.html"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("main")));
        assertThat(browser.getTitle()).isEqualTo("Weather: the week ahead");
        String page = browser.getPageSource().toLowerCase(Locale.ROOT);
        assertThat(page).doesNotContain("hotline", "traffick", "report", "exploit", "quokka", "favicon");
        assertThat(js("return sessionStorage.length")).as("the tab's storage for the site").isEqualTo(0L);

        js("history.back()");
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/weather.html")));
        assertThat(browser.getCurrentUrl()).doesNotContain("report.html").startsWith("data:text/html");
        assertThat(browser.getTitle()).isEqualTo("Before the form");
        js("history.forward()");
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("data:text/html")));
        assertThat(browser.getCurrentUrl()).as("forward leads to the neutral page, not the form")
                .isEqualTo(hotline.base() + "/weather.html");
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void waitForText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }
}
