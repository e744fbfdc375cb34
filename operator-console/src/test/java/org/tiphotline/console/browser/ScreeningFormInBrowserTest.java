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
 * An agency reporter on the screening form in real chromium (issue 17): a double click on "Send to the task force"
 * is one receipt and one registry case (counted in PostgreSQL); a refused value stays in its field with its message
 * next to it and the focus there; the country of birth is chosen by its name and stored as its ISO code; the
 * receipt is in words with the date in the jurisdiction's format; no inline handler on the page.
 */
class ScreeningFormInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data, Map.of());
        browser = HeadlessChromium.start("1280,720", "--lang=en-US");
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        HeadlessChromium.signIn(browser, hotline.base(), "reporter", "reporter-demo");
        wait.until(ExpectedConditions.urlContains("/screening.html"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("s-situation")));
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
    void aDoubleClickOnSendIsOneReceiptAndOneCase() throws InterruptedException {
        new Select(browser.findElement(By.id("s-situation"))).selectByValue("OCCURRED");
        new Select(browser.findElement(By.id("s-victimSex"))).selectByValue("FEMALE");
        browser.findElement(By.id("s-victimAge")).sendKeys("16");
        new Actions(browser).doubleClick(browser.findElement(By.id("send"))).perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("receipt-ref")));
        // Both clicks' requests, if there were two, have landed by the time the receipts list is in.
        Thread.sleep(1500);
        assertThat(count("select count(*) from hotline.screening_report")).as("screening reports stored")
                .isEqualTo(1);
        assertThat(count("select count(*) from hotline.registry_case")).as("registry cases").isEqualTo(1);
        assertThat(browser.findElements(By.cssSelector("#receipts li"))).hasSize(1);

        // The receipt in words, with the date as the jurisdiction writes it (Jamaica: en-JM, e.g. "6 Dec 2026").
        String receipt = browser.findElement(By.id("receipt")).getText();
        assertThat(receipt).startsWith("Received by the task force").contains("Reference S-")
                .containsPattern("\\b\\d{1,2} [A-Z][a-z]{2,8} \\d{4}\\b");
        assertThat(browser.findElements(By.cssSelector("[onsubmit], [onclick]"))).as("inline handlers").isEmpty();
        PageCheck.assertFitsAndIsAccessible(browser, "screening-receipt");
    }

    @Test
    void aRefusedValueStaysInItsFieldWithItsMessageAndTheFocus() {
        new Select(browser.findElement(By.id("s-situation"))).selectByValue("POTENTIAL");
        WebElement age = browser.findElement(By.id("s-victimAge"));
        age.sendKeys("-5");
        browser.findElement(By.id("s-exploitationDescription")).sendKeys("Fake test description");
        browser.findElement(By.id("send")).click();
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("s-victimAge-error")));
        assertThat(message.getText()).containsIgnoringCase("must be 0 or more");
        assertThat(age.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(age.getDomProperty("value")).as("the refused value stays").isEqualTo("-5");
        assertThat(browser.findElement(By.id("s-exploitationDescription")).getDomProperty("value"))
                .isEqualTo("Fake test description");
        assertThat(((JavascriptExecutor) browser).executeScript("return document.activeElement.id"))
                .as("the focus moved to the refused field").isEqualTo("s-victimAge");
        assertThat(count("select count(*) from hotline.screening_report")).isZero();
        PageCheck.assertFitsAndIsAccessible(browser, "screening-error");

        // Corrected, it goes, and the form is empty for the next one.
        age.clear();
        age.sendKeys("15");
        browser.findElement(By.id("send")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("receipt-ref")));
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(1);
        assertThat(browser.findElement(By.id("s-victimAge")).getDomProperty("value")).isEmpty();
    }

    @Test
    void theCountryIsChosenByNameAndStoredAsItsIsoCode() {
        new Select(browser.findElement(By.id("s-situation"))).selectByValue("POTENTIAL");
        Select country = new Select(browser.findElement(By.id("s-victimCountryOfBirth")));
        country.selectByVisibleText("Jamaica");
        List<String> situations = new Select(browser.findElement(By.id("s-situation"))).getOptions().stream()
                .map(WebElement::getText).toList();
        assertThat(String.join(" ", situations)).as("words, not codes").doesNotContainPattern("[A-Z]{2,}_[A-Z]+");
        browser.findElement(By.id("send")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("receipt-ref")));
        assertThat(text("select victim_country_of_birth from hotline.screening_report")).isEqualTo("JM");
    }

    private int count(String sql) {
        return ((Number) hotline.bean(DSLContext.class).fetchValue(sql)).intValue();
    }

    private String text(String sql) {
        return String.valueOf(hotline.bean(DSLContext.class).fetchValue(sql));
    }

}
