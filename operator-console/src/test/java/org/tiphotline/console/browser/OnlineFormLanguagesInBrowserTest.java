package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The public online form in its other languages, in real chromium (issue 17): the server's field messages come in
 * the form's language (Spanish, French), the refused value stays in its field, "Send report" clicked twice sends
 * one report, the country of birth is chosen by its name in the form's language and stored as its ISO code, and the
 * form fits a phone (360x740) as well as a laptop with no WCAG 2.2 A/AA violation, errors shown.
 */
class OnlineFormLanguagesInBrowserTest {

    private static final String MARKUP = "<b>Fake test report</b> of a fake test market";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data, Map.of("hotline.jurisdiction.hotline-number", "+1 555 0100"));
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
    void theSpanishFormShowsTheServersMessagesInSpanishAndFitsAPhone() {
        open("es");
        browser.findElement(By.id("f-description")).sendKeys(MARKUP);
        click("identity-anonymous");
        click("submit");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("e-description")));
        wait.until(b -> !error.getText().isBlank());
        assertThat(error.getText()).contains("texto simple").doesNotContain("plain text", "must");
        assertThat(browser.findElement(By.id("form-status")).getText()).doesNotContain("some fields");
        assertThat(browser.findElement(By.id("f-description")).getDomProperty("value")).as("the refused value stays")
                .isEqualTo(MARKUP);
        assertThat(((JavascriptExecutor) browser).executeScript("return document.activeElement.id"))
                .isEqualTo("f-description");
        PageCheck.assertFitsAndIsAccessible(browser, "online-form-es-errors");

        PageCheck.assertFitsAPhoneAndIsAccessible(browser, "online-form-es-errors");
    }

    @Test
    void theFrenchFormShowsTheServersMessagesInFrench() {
        open("fr");
        browser.findElement(By.id("f-description")).sendKeys(MARKUP);
        click("identity-contact");
        click("submit");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("e-description")));
        wait.until(b -> !error.getText().isBlank());
        assertThat(error.getText()).contains("texte simple").doesNotContain("plain text");

        // Corrected, the rule across fields speaks French too: contact agreed, but no name or number given.
        browser.findElement(By.id("f-description")).clear();
        browser.findElement(By.id("f-description")).sendKeys("Fake test report of a fake test market");
        click("submit");
        WebElement consent = browser.findElement(By.id("e-contactConsent"));
        wait.until(b -> !consent.getText().isBlank());
        assertThat(consent.getText()).contains("nom").doesNotContain("give at least");
        assertThat(error.getText()).isBlank();
    }

    @Test
    void sendReportClickedTwiceSendsOneReport() throws InterruptedException {
        open("en");
        check("traffickingTypes", "LABOUR");
        click("identity-anonymous");
        new Actions(browser).doubleClick(browser.findElement(By.id("submit"))).perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reference")));
        Thread.sleep(1500);
        assertThat(count("select count(*) from hotline.online_report")).isEqualTo(1);
    }

    @Test
    void theCountryIsChosenByItsNameInTheFormsLanguageAndStoredAsItsCode() {
        open("fr");
        Select country = new Select(browser.findElement(By.id("f-victimCountry")));
        List<String> names = country.getOptions().stream().skip(1).map(WebElement::getText).toList();
        assertThat(names).contains("Jamaïque", "Allemagne").doesNotContain("JM", "DE");
        assertThat((Boolean) ((JavascriptExecutor) browser).executeScript("""
                const names = [...document.getElementById('f-victimCountry').options].slice(1).map((o) => o.text);
                return names.every((n, i) => i === 0 || names[i - 1].localeCompare(n, 'fr') <= 0);
                """)).as("sorted by name in French").isTrue();
        country.selectByVisibleText("Jamaïque");
        check("traffickingTypes", "LABOUR");
        click("identity-anonymous");
        click("submit");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reference")));
        assertThat(text("select victim_country from hotline.online_report")).isEqualTo("JM");
    }

    private void open(String language) {
        browser.get(hotline.base() + "/report.html?lang=" + language);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("emergency"), "+1 555 0100"));
    }

    private void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private void check(String name, String value) {
        browser.findElement(By.cssSelector("input[name=" + name + "][value=" + value + "]")).click();
    }

    private int count(String sql) {
        return ((Number) hotline.bean(DSLContext.class).fetchValue(sql)).intValue();
    }

    private String text(String sql) {
        return String.valueOf(hotline.bean(DSLContext.class).fetchValue(sql));
    }

}
