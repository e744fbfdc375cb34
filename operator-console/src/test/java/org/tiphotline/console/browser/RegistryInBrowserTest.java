package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RegistryCases;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import tools.jackson.databind.JsonNode;

/**
 * The registry and statistics pages in real chromium (issue 17): what a data manager types is saved while they
 * type and survives a reload, a refused value stays in its field with its message, two tabs on one case are shown
 * both values, the export link without dates stays on the page, merge, close and assign ask in the page's own
 * dialogs, and the screens speak in words (names, places as configured, no codes or ids).
 */
class RegistryInBrowserTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static String first;
    private static String second;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void startWithTwoCases() throws Exception {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data, Map.of());
        hotline.bean(Operators.class).create("datamanager2", "Second Test Data Manager (fake)",
                hotline.bean(PasswordEncoder.class).encode("datamanager2-test"), Role.DATA_MANAGER, List.of(), null);
        // Two reports of the same place and day: each the other's duplicate candidate.
        first = hotlineCase();
        second = hotlineCase();
    }

    @AfterAll
    static void stopHotline() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
        browsers.clear();
    }

    @Test
    void typedTextIsSavedWithoutLeavingTheFieldAndSurvivesAReload() {
        WebDriver leader = signedIn("leader", "leader-demo");
        openCase(leader, first);
        WebElement remarks = leader.findElement(By.id("c-remarks"));
        remarks.sendKeys("Testvictim Fakename said the boat left at night");
        // No blur, no click elsewhere: the words are saved while the focus stays in the field.
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cstatus-remarks"), "Saved"));
        assertThat(leader.switchTo().activeElement().getAttribute("id")).isEqualTo("c-remarks");
        wait(leader).until(b -> String.valueOf(js(b, "const a = document.getElementById('announce');"
                + " return a ? a.textContent : ''")).contains("Saved"));

        // A refused value stays in its field, with its message in words.
        WebElement age = leader.findElement(By.id("c-age"));
        // The case came with the age the caller gave (30): typed over, as a person selects it and types.
        age.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "-5");
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cstatus-age"),
                "must be 0 or more"));
        assertThat(age.getAttribute("value")).isEqualTo("-5");
        assertThat(age.getAttribute("aria-invalid")).isEqualTo("true");
        WebElement justification = leader.findElement(By.id("c-votJustification"));
        justification.sendKeys("Told at <b>night");
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cstatus-votJustification"),
                "plain text"));
        assertThat(justification.getAttribute("value")).isEqualTo("Told at <b>night");
        // Nothing typed about people sits in the browser's storage: the server keeps it, encrypted and audited.
        assertThat(js(leader, "return sessionStorage.length + localStorage.length"))
                .as("browser storage after typing").isEqualTo(0L);
        PageCheck.assertFitsAndIsAccessible(leader, "registry-case-open");
        assertThat(js(leader, "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e);"
                + " return e.defaultPrevented")).as("leaving with refused words asks first").isEqualTo(true);

        // WebDriver accepts the "leave the page?" question of a reload itself.
        leader.navigate().refresh();
        acceptLeaving(leader);
        openCase(leader, first);
        assertThat(leader.findElement(By.id("c-remarks")).getAttribute("value"))
                .isEqualTo("Testvictim Fakename said the boat left at night");
        // What the server refused it kept with the case: back in its field after the reload, with its message.
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cstatus-age"),
                "must be 0 or more"));
        assertThat(leader.findElement(By.id("c-age")).getAttribute("value")).isEqualTo("-5");
        assertThat(leader.findElement(By.id("c-votJustification")).getAttribute("value"))
                .isEqualTo("Told at <b>night");
    }

    @Test
    void twoTabsOnOneCaseAreShownBothValuesAndKeepTheOneChosen() {
        WebDriver one = signedIn("leader", "leader-demo");
        WebDriver two = signedIn("leader", "leader-demo");
        openCase(one, second);
        openCase(two, second);
        one.findElement(By.id("c-assistanceSituation")).sendKeys("Testvictim needs a shelter");
        wait(one).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cstatus-assistanceSituation"),
                "Saved"));
        two.findElement(By.id("c-assistanceSituation")).sendKeys("Testvictim needs a lawyer");
        wait(two).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#conflict-assistanceSituation")));
        String shown = two.findElement(By.id("conflict-assistanceSituation")).getText();
        assertThat(shown).contains("Testvictim needs a shelter").contains("Testvictim needs a lawyer");
        PageCheck.assertFitsAndIsAccessible(two, "registry-two-tabs-conflict");
        two.findElement(By.cssSelector("#conflict-assistanceSituation button.keep-mine")).click();
        wait(two).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cstatus-assistanceSituation"),
                "Saved"));
        assertThat(api("leader", "leader-demo").get("/api/cases/" + second).body().get("case").get("values")
                .get("assistanceSituation").asString()).isEqualTo("Testvictim needs a lawyer");
    }

    @Test
    void theExportLinkWithoutDatesStaysOnThePageAndSaysWhy() {
        WebDriver leader = signedIn("leader", "leader-demo");
        leader.get(hotline.base() + "/registry.html");
        wait(leader).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#cases tr[data-case]")));
        leader.findElement(By.id("exp-download")).click();
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("exp-from-error"),
                "Choose the first day"));
        assertThat(leader.getCurrentUrl()).endsWith("/registry.html");
        assertThat(leader.findElement(By.id("exp-from")).getAttribute("aria-invalid")).isEqualTo("true");
        PageCheck.assertFitsAndIsAccessible(leader, "registry-export-without-dates");

        ConsoleClient.Text raw = api("leader", "leader-demo").getText("/api/exports/htcds?format=csv");
        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.headers().firstValue("Content-Type").orElse("")).contains("json");
        assertThat(ConsoleClient.parse(raw.body()).get("message").asString()).contains("from").contains("date");
    }

    @Test
    void assigningIsByNameFromAListAndTheHistoryIsInWords() {
        WebDriver leader = signedIn("leader", "leader-demo");
        String third = hotlineCaseQuietly();
        openCase(leader, third);
        wait(leader).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#assign-to option[value]")));
        new Select(leader.findElement(By.id("assign-to"))).selectByVisibleText("Demo Data Manager");
        leader.findElement(By.id("assign")).click();
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"),
                "Assigned to Demo Data Manager"));
        assertThat(leader.findElement(By.id("history")).getText())
                .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}")
                .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b")
                .doesNotContain("true").doesNotContain("POTENTIAL").doesNotContain("to 4");
        assertThat(leader.findElement(By.id("case")).getText()).contains("St. Andrew").contains("Female")
                .doesNotContain("FEMALE").doesNotContain("St.  andrew");
    }

    @Test
    void mergeAndCloseAskInThePagesOwnDialogNeverAPrompt() {
        WebDriver leader = signedIn("leader", "leader-demo");
        String third = hotlineCaseQuietly();
        String fourth = hotlineCaseQuietly();
        openCase(leader, third);

        // Merge: the page's own dialog asks why, never the browser's prompt().
        String fourthReference = api("leader", "leader-demo").get("/api/cases/" + fourth).body().get("case")
                .get("reference").asString();
        By merge = By.xpath("//tbody[@id='candidates']/tr[td[normalize-space()='" + fourthReference
                + "']]//button[normalize-space()='Merge this case into it']");
        wait(leader).until(ExpectedConditions.elementToBeClickable(merge)).click();
        WebElement dialog = wait(leader).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "dialog.dialog[open]")));
        PageCheck.assertFitsAndIsAccessible(leader, "registry-merge-dialog");
        dialog.findElement(By.tagName("textarea")).sendKeys("Same place, same night, same caller");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait(leader).until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "merged into this"));

        // Closing asks for the reason in a dialog too.
        new Select(leader.findElement(By.id("next-status"))).selectByVisibleText("Closed");
        leader.findElement(By.id("change-status")).click();
        WebElement closing = wait(leader).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "dialog.dialog[open]")));
        closing.findElement(By.tagName("textarea")).sendKeys("Referred to the shelter, nothing more to do");
        closing.findElement(By.cssSelector("button[type=submit]")).click();
        wait(leader).until(ExpectedConditions.textToBe(By.id("case-status"), "Closed"));
    }

    @Test
    void theStatisticsPageShowsWordsInsideItsCard() {
        WebDriver manager = signedIn("datamanager", "datamanager-demo");
        manager.get(hotline.base() + "/statistics.html");
        wait(manager).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tables table")));
        String text = manager.findElement(By.tagName("main")).getText();
        assertThat(text).contains("St. Andrew").contains("Female").contains("Other place").contains("Total")
                .doesNotContain("OTHER_PLACE").doesNotContain("FEMALE").doesNotContain("TOTAL")
                .doesNotContain("St.  andrew")
                .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b");
        PageCheck.assertFitsAndIsAccessible(manager, "statistics-with-data");
    }

    // ------------------------------------------------------------------------------------------------------------

    private WebDriver signedIn(String user, String password) {
        WebDriver browser = HeadlessChromium.start("1280,720");
        browsers.add(browser);
        HeadlessChromium.signIn(browser, hotline.base(), user, password);
        wait(browser).until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
        return browser;
    }

    private static void openCase(WebDriver browser, String caseId) {
        By row = By.cssSelector("#cases tr[data-case='" + caseId + "']");
        if (!browser.getCurrentUrl().endsWith("/registry.html") || browser.findElements(row).isEmpty()) {
            browser.get(hotline.base() + "/registry.html");
        }
        wait(browser).until(ExpectedConditions.elementToBeClickable(row)).click();
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("c-remarks")));
        wait(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#history li")));
    }

    /** A reload with unsaved words asks first; with everything saved it does not. */
    private static void acceptLeaving(WebDriver browser) {
        try {
            browser.switchTo().alert().accept();
        } catch (org.openqa.selenium.NoAlertPresentException e) {
            // nothing was unsaved
        }
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private static ConsoleClient api(String user, String password) {
        return ConsoleClient.login(hotline.base(), user, password);
    }

    private static String hotlineCaseQuietly() {
        try {
            return hotlineCase();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A hotline report about a woman of 30 in St. Andrew on the first of this month, submitted: its case. */
    private static String hotlineCase() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
        String report = pop.get("report").asString();
        // The call ends first, so that the operator can take the next test call.
        assertThat(operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null)
                .status()).isEqualTo(204);
        Map<String, Object> fields = Map.of("situation", "POTENTIAL", "traffickingTypes", List.of("LABOUR"),
                "place", "St. Andrew", "victimSex", "FEMALE", "victimAge", 30,
                "periodFrom", LocalDate.now().withDayOfMonth(1).toString());
        fields.forEach((field, value) -> assertThat(operator.put("/api/reports/" + report + "/fields/" + field,
                Map.of("value", value)).status()).as(field).isEqualTo(200));
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        return RegistryCases.caseOf(hotline.base(), report);
    }

    private static Object js(WebDriver browser, String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }
}
