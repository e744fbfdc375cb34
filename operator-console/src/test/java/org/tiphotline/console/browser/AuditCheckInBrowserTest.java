package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The administrator's button on the status page (issue 21, item 2): the audit trail checked against its chain and
 * the heads published outside the database, the outcome in words; a head line that was tampered with is named.
 * The rewriting of the database itself, and what the check says of each kind, is hotline-core's AuditChainTest.
 */
class AuditCheckInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        // Heads published every second, so that the test need not wait a minute for one.
        hotline = RunningHotline.start(data, Map.of("hotline.audit.publish-every", "1s",
                "hotline.audit.seal-every", "200ms"));
        browser = HeadlessChromium.start("1400,1000");
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
    void theAdministratorChecksTheAuditTrailAndReadsTheOutcomeInWords() throws Exception {
        browser.get(hotline.base() + "/login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("admin-demo");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
        browser.get(hotline.base() + "/status.html");
        // The page's script has set its button up once it has read the status (a click before is lost).
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("database"), "Working"));

        // The first look is itself audited; once that row is sealed, a head is published.
        check();
        waitForText("The audit trail is ");
        DSLContext db = hotline.bean(DSLContext.class);
        assertThat(db.fetchCount(db.selectFrom("hotline.audit_log").where("actor = 'admin' and action = 'READ' "
                + "and entity = 'audit_log' and entity_id = 'chain'"))).isEqualTo(1);
        Path heads = data.resolve("audit-heads").resolve("audit-heads.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!(Files.exists(heads) && Files.size(heads) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(heads).isNotEmptyFile();

        check();
        waitForText("It agrees with the ");
        String intact = browser.findElement(By.id("audit-result")).getText();
        assertThat(intact).startsWith("The audit trail is intact: ")
                .containsPattern(" (row fits its MAC|rows fit their MACs) and the chain \\(")
                .containsPattern("It agrees with the \\d+ published heads?, the latest of ");
        assertThat(browser.findElement(By.id("audit-result")).getAttribute("class")).contains("ok");
        assertThat(browser.findElements(By.cssSelector("#audit-findings li"))).isEmpty();
        HeadlessChromium.screenshot(browser, "audit-check-intact");
        PageCheck.assertFitsAndIsAccessible(browser, "audit-check-intact");

        // A head line made up by someone without the key, added to the directory.
        Files.writeString(heads, "tiphotline audit head: seq=1 hash=" + "0".repeat(64)
                + " at=2026-01-01T00:00:00Z sig=" + "0".repeat(64) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        check();
        waitForText("The audit trail does not fit. ");
        assertThat(browser.findElement(By.id("audit-result")).getText()).startsWith("The audit trail does not fit. "
                + "A published head (audit-heads.log, line ").contains(") does not verify with the audit key: it "
                + "was altered, or written by someone without the key.");
        assertThat(browser.findElement(By.id("audit-result")).getAttribute("class")).contains("danger");
        assertThat(browser.findElements(By.cssSelector("#audit-findings li"))).hasSize(1);
        HeadlessChromium.screenshot(browser, "audit-check-does-not-fit");
    }

    private void check() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("audit-check"))).click();
        // The page says it is checking until the answer comes (the button is disabled meanwhile).
        wait.until(ExpectedConditions.elementToBeClickable(By.id("audit-check")));
    }

    private void waitForText(String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-result"), text));
    }
}
