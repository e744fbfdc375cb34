package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.retention.RetentionBatches;
import org.tiphotline.retention.RetentionKind;

/**
 * Issue 21, item 5: the data management leader reads a proposed retention batch in words, approves it in the page's
 * own dialog, and sees it erased; the draft is gone from the database, and the trail says so in words. A data
 * manager cannot use the page's API.
 * Screenshots: {@code target/screenshots/retention-*.png}.
 */
class RetentionInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        // The drafts' rule on; the job's own first look an hour away, so that the test proposes when it is ready.
        hotline = RunningHotline.start(data, Map.of("hotline.retention.unsubmitted-drafts.enabled", "true",
                "hotline.retention.first-after", "1h"));
        browser = HeadlessChromium.start("1400,1000");
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
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
    void theLeaderApprovesABatchOfForgottenDraftsAndSeesThemErased() {
        UUID draft = forgottenDraft(40);
        UUID young = forgottenDraft(3);
        RetentionBatches.Batch batch = hotline.bean(RetentionBatches.class)
                .propose(RetentionKind.UNSUBMITTED_DRAFTS).orElseThrow();
        assertThat(batch.records()).isEqualTo(1);

        assertThat(ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo").get("/api/retention")
                .status()).isEqualTo(403);

        HeadlessChromium.signIn(browser, hotline.base(), "leader", "leader-demo");
        browser.get(hotline.base() + "/retention.html");
        By waiting = By.cssSelector("#proposed li.retention-batch");
        WebElement item = wait.until(ExpectedConditions.visibilityOfElementLocated(waiting));
        assertThat(item.getText()).contains("Report drafts never submitted, last saved more than 30 days ago: "
                + "1 draft.").contains("If approved, each draft is deleted with every field saved in it.");
        assertThat(browser.findElement(By.id("rules")).getText()).contains("Abandoned calls with no report, ended "
                + "more than 6 months ago: kept (this rule is off).");
        HeadlessChromium.screenshot(browser, "retention-proposed");
        PageCheck.assertFitsAndIsAccessible(browser, "retention-proposed");
        assertThat(drafts()).as("nothing erased before the approval").contains(draft, young);

        item.findElement(By.xpath(".//button[normalize-space()='Approve deletion']")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("dialog.dialog[open]")));
        assertThat(dialog.getText()).contains("This cannot be undone.");
        HeadlessChromium.screenshot(browser, "retention-confirm");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("decided"), "1 erased"));
        assertThat(browser.findElement(By.id("proposed")).getText()).isEqualTo("Nothing is waiting for a decision.");
        assertThat(browser.findElement(By.id("decided")).getText())
                .contains("Approved by Demo Data Management Leader");
        HeadlessChromium.screenshot(browser, "retention-done");
        assertThat(drafts()).doesNotContain(draft).contains(young);

        // The trail says what happened in words: kind, rule, how many; who decided; never which draft.
        browser.get(hotline.base() + "/trail.html");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("trail"), "done: 1 erased"));
        String trail = browser.findElement(By.id("trail")).getText();
        assertThat(trail).contains("Retention (automatic)", "Retention: Report drafts never submitted, last saved "
                + "more than 30 days ago (1 draft), proposed for erasure", "erasure approved", "Demo Data Management "
                + "Leader").doesNotContain(draft.toString());
        HeadlessChromium.screenshot(browser, "retention-in-the-trail");
    }

    /** A draft of the demo operator's, on a call that ended, last saved {@code daysAgo} days ago. */
    private UUID forgottenDraft(int daysAgo) {
        DSLContext db = hotline.bean(DSLContext.class);
        UUID call = UUID.randomUUID();
        UUID report = UUID.randomUUID();
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).minusDays(daysAgo);
        db.execute("insert into hotline.call (id, provider, provider_call_id, caller_mask, dialled_number, "
                + "arrived_at, state, ended_at, outcome, last_seq) values (?::uuid, 'sim', ?, 'withheld', '+15550100', "
                + "?::timestamptz, 'ENDED', ?::timestamptz, 'COMPLETED', 1)", call, "retention-test-" + call, at,
                at.plusMinutes(5));
        db.execute("insert into hotline.hotline_report (id, call_id, operator_id, status, created_at, updated_at) "
                + "select ?::uuid, ?::uuid, id, 'DRAFT', ?::timestamptz, ?::timestamptz from hotline.app_user "
                + "where username = 'operator'", report, call, at, at);
        return report;
    }

    private java.util.List<UUID> drafts() {
        DSLContext db = hotline.bean(DSLContext.class);
        return db.fetch("select id from hotline.hotline_report").getValues(0, UUID.class);
    }
}
