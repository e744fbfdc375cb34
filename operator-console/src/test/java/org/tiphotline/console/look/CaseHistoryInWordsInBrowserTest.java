package org.tiphotline.console.look;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;

/**
 * A case whose call was escalated tells the data manager, in its history, which agency it went to by name and what
 * happened in words: "Escalation to Demo Police (fake): Raised before this case was opened, Urgent, Open", never the directory's id or a step code.
 */
class CaseHistoryInWordsInBrowserTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;

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
    void anEscalationInTheCaseHistoryNamesTheAgencyAndSaysWhatHappened() throws Exception {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data, Map.of("spring.profiles.active", "demo"));
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 331", "language", "en",
                "immediateDanger", "NO", "callerType", "SOMEONE_ELSE"));
        String call = pop.get("call").asString();
        String report = pop.get("report").asString();
        assertThat(operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "demo-police", "level",
                "URGENT", "danger", "VIOLENCE", "mode", "ALERT", "reason", "fake test escalation")).status())
                .isEqualTo(201);
        operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null);
        assertThat(operator.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"))
                .status()).isEqualTo(200);
        String caseReference = operator.post("/api/reports/" + report + "/submit", null).body()
                .get("caseReference").asString();

        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), "leader", "leader-demo");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.urlContains("/registry.html"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("find-reference"))).sendKeys(caseReference);
        browser.findElement(By.id("find")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cases"), caseReference));
        // The list is drawn on load and again for the search: the row found may be replaced meanwhile (seen in CI).
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("#cases tr[data-case]")).click();
            return true;
        });
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "Escalation to"));
        String history = browser.findElement(By.id("history")).getText();
        assertThat(history).contains("Escalation to Demo Police (fake): Raised before this case was opened, Urgent, Open")
                .doesNotContain("demo-police").doesNotContain("RAISED").doesNotContain("URGENT");
        HeadlessChromium.screenshot(browser, "registry-history-escalation");
    }
}
