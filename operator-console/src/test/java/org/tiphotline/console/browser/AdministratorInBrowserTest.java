package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The administrator in a real browser (Debian's headless chromium): lands on the administration page, creates an
 * operator and reads the one-time password off the screen; the operator signs in with it at another desk, is held
 * at the password change, chooses a passphrase and reaches the console; the administrator resets another user's
 * password, then disables the operator, whose open console goes to the sign-in form at once.
 */
class AdministratorInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
    }

    @AfterEach
    void stop() {
        browsers.forEach(WebDriver::quit);
        if (hotline != null) {
            hotline.close();
        }
    }

    private WebDriver newBrowser() {
        WebDriver driver = HeadlessChromium.start("1400,1000");
        browsers.add(driver);
        return driver;
    }

    @Test
    void anAdministratorCreatesAnOperatorResetsAPasswordAndDisablesAnOpenConsole() {
        hotline = RunningHotline.start(data);
        WebDriver admin = newBrowser();
        WebDriverWait adminWait = new WebDriverWait(admin, Duration.ofSeconds(15));
        login(admin, "admin", "admin-demo");
        adminWait.until(ExpectedConditions.urlContains("/admin.html"));
        adminWait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-operator2")));

        // A new operator; a wrong value first shows its problem next to the field.
        admin.findElement(By.id("new-username")).sendKeys("test-floor");
        admin.findElement(By.id("new-displayName")).sendKeys("Testfloor Fakename");
        new Select(admin.findElement(By.id("new-role"))).selectByVisibleText("Operator");
        admin.findElement(By.cssSelector("#new-languages input[value=en]")).click();
        admin.findElement(By.id("new-endpoint")).sendKeys("sip:wrong");
        admin.findElement(By.id("create-button")).click();
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("new-endpoint-status"), "PJSIP/"));
        admin.findElement(By.id("new-endpoint")).clear();
        admin.findElement(By.id("create-button")).click();
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        String oneTime = admin.findElement(By.id("secret-password")).getText();
        assertThat(oneTime).matches("[a-z2-9]{5}(-[a-z2-9]{5}){3}");
        assertThat(admin.findElement(By.id("secret-title")).getText()).contains("Testfloor Fakename");
        adminWait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-test-floor")));
        assertThat(admin.findElement(By.id("user-test-floor")).getText()).contains("Operator")
                .contains("one-time password").contains("Never");
        assertThat(admin.findElement(By.id("edit")).getText()).as("no empty value shows as text")
                .doesNotContain("null").doesNotContain("undefined");
        screenshot(admin, "admin-created-user");
        admin.findElement(By.id("secret-done")).click();

        // The operator at another desk: held at the password change until they choose their own.
        WebDriver operator = newBrowser();
        WebDriverWait operatorWait = new WebDriverWait(operator, Duration.ofSeconds(15));
        login(operator, "test-floor", oneTime);
        operatorWait.until(ExpectedConditions.urlContains("/account.html"));
        operatorWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("first-time")));
        operator.get(hotline.base() + "/console.html");
        operatorWait.until(ExpectedConditions.urlContains("/account.html"));
        operatorWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("first-time")));
        operator.findElement(By.id("current")).sendKeys(oneTime);
        operator.findElement(By.id("next")).sendKeys("short");
        operator.findElement(By.id("repeat")).sendKeys("short");
        operator.findElement(By.id("change-button")).click();
        operatorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("change-status"),
                "at least 12"));
        screenshot(operator, "account-first-sign-in");
        operator.findElement(By.id("next")).clear();
        operator.findElement(By.id("repeat")).clear();
        operator.findElement(By.id("next")).sendKeys("harbour lights at night");
        operator.findElement(By.id("repeat")).sendKeys("harbour lights at night");
        operator.findElement(By.id("change-button")).click();
        operatorWait.until(ExpectedConditions.urlContains("/console.html"));
        operatorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));

        // A password reset for another user: shown once, to the administrator.
        admin.findElement(By.id("user-operator2")).click();
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-title"), "operator2"));
        admin.findElement(By.id("reset-password")).click();
        // The page's own dialog, not the browser's confirm() (issue 17).
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        assertThat(admin.findElement(By.cssSelector("dialog[open]")).getText())
                .contains("new one-time password");
        PageCheck.assertFitsAndIsAccessible(admin, "admin-reset-dialog");
        admin.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        assertThat(admin.findElement(By.id("secret-title")).getText()).contains("New one-time password")
                .contains("operator2");
        assertThat(admin.findElement(By.id("secret-password")).getText()).matches("[a-z2-9]{5}(-[a-z2-9]{5}){3}")
                .isNotEqualTo(oneTime);
        screenshot(admin, "admin-password-reset");
        admin.findElement(By.id("secret-done")).click();

        // Disabling the operator: their open console loses its session at once.
        admin.findElement(By.id("user-test-floor")).click();
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-title"), "test-floor"));
        long before = System.nanoTime();
        admin.findElement(By.id("toggle-enabled")).click();
        adminWait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("dialog[open] button[type=submit]")))
                .click();
        adminWait.until(ExpectedConditions.textToBe(By.id("toggle-enabled"), "Enable"));
        new WebDriverWait(operator, Duration.ofSeconds(5)).until(ExpectedConditions.urlContains("/login"));
        // The operator is told why, not left at a bare sign-in form.
        new WebDriverWait(operator, Duration.ofSeconds(5)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("session-ended"), "Your session has ended"));
        long millis = (System.nanoTime() - before) / 1_000_000;
        System.out.printf("disabled operator's console at the sign-in form after %d ms%n", millis);
        operator.get(hotline.base() + "/console.html");
        operatorWait.until(ExpectedConditions.urlContains("/login"));
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-test-floor"), "Disabled"));
        WebElement row = admin.findElement(By.id("user-test-floor"));
        assertThat(row.getText()).contains("Disabled");
        screenshot(admin, "admin-disabled-user");
        screenshot(operator, "operator-signed-out");
    }

    private void login(WebDriver browser, String username, String password) {
        HeadlessChromium.signIn(browser, hotline.base(), username, password);
    }

    private static void screenshot(WebDriver browser, String name) {
        HeadlessChromium.screenshot(browser, name);
    }
}
