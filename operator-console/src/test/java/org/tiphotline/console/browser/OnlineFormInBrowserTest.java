package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
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
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * A member of the public on the online form in a real browser (Debian's headless chromium), not signed in: one
 * anonymous report in Spanish (with a refused HTML description corrected on the way), one with contact consent
 * in English; each ends with the reference code on screen and nothing of what was typed. Both are potential cases
 * made of online reports; a data manager finds each on the registry page by the reporter's code, takes it, and sees
 * the contact details of the report that agreed to contact and none in the anonymous one.
 */
class OnlineFormInBrowserTest {

    private static final String ANONYMOUS_TEXT = "Fake test report: a girl selling goods at the fake test market";
    private static final String CONTACT_TEXT = "Fake test report: men locked in the quokka test warehouse";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
        browser = HeadlessChromium.start("1200,1000", "--lang=en-US");
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
    void theFormWorksAnonymouslyAndWithContactAndBothReportsBecomePotentialCases() throws Exception {
        hotline = RunningHotline.start(data, Map.of("hotline.jurisdiction.hotline-number", "+1 555 0100",
                "hotline.jurisdiction.places", "Test Parish North,Test Parish South"));

        // Anonymous, in Spanish.
        browser.get(hotline.base() + "/report.html?lang=es");
        waitForText(By.id("emergency"), "+1 555 0100");
        assertThat(browser.findElement(By.id("emergency")).getText()).contains("peligro");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("es");
        check("traffickingTypes", "STREET_SELLING");
        check("victimDescriptors", "FEMALE");
        check("victimDescriptors", "UNDER_18");
        new Select(browser.findElement(By.id("f-place"))).selectByValue("Test Parish North");
        browser.findElement(By.id("f-description")).sendKeys("<b>" + ANONYMOUS_TEXT + "</b>");
        click("identity-anonymous");
        new Select(browser.findElement(By.id("f-reporterSex"))).selectByValue("FEMALE");
        screenshot("online-form-anonymous");
        click("submit");
        // The server's refusal in the form's language (issue 17), not in English.
        waitForText(By.id("e-description"), "texto simple");
        browser.findElement(By.id("f-description")).clear();
        browser.findElement(By.id("f-description")).sendKeys(ANONYMOUS_TEXT);
        click("submit");
        String anonymousReference = reference();
        assertThat(browser.findElements(By.id("report"))).as("the form left the page").isEmpty();
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("fake test market");
        screenshot("online-form-reference");

        // With contact consent, in English.
        browser.get(hotline.base() + "/report.html?lang=en");
        waitForText(By.id("emergency"), "in danger right now");
        check("traffickingTypes", "LABOUR");
        check("victimDescriptors", "GROUP_OF_PEOPLE");
        new Select(browser.findElement(By.id("f-victimOrigin"))).selectByValue("FOREIGNER");
        browser.findElement(By.id("f-description")).sendKeys(CONTACT_TEXT);
        click("identity-contact");
        browser.findElement(By.id("f-contactFirstName")).sendKeys("Testfirst");
        browser.findElement(By.id("f-contactLastName")).sendKeys("Fakename");
        browser.findElement(By.id("f-contactPhone")).sendKeys("+1 555 0100 155");
        click("submit");
        String contactReference = reference();
        assertThat(contactReference).isNotEqualTo(anonymousReference);
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("Testfirst", "quokka");

        // The leader finds both as potential cases made of online reports.
        Map<String, String> reportIds = new HashMap<>();
        try (Connection c = hotline.bean(DataSource.class).getConnection();
                PreparedStatement s = c.prepareStatement("select reference, id, anonymous, contact_consent "
                        + "from hotline.online_report")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    reportIds.put(r.getString(2), r.getString(1));
                    assertThat(r.getBoolean(3)).isEqualTo(r.getString(1).equals(anonymousReference));
                    assertThat(r.getBoolean(4)).isEqualTo(r.getString(1).equals(contactReference));
                }
            }
        }
        assertThat(reportIds.values()).containsExactlyInAnyOrder(anonymousReference, contactReference);

        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        ConsoleClient.Response cases = leader.get("/api/cases");
        assertThat(cases.status()).isEqualTo(200);
        Map<String, String> statusByReport = new HashMap<>();
        for (JsonNode summary : cases.body()) {
            JsonNode one = leader.get("/api/cases/" + summary.get("id").asString()).body().get("case");
            for (JsonNode source : one.get("sources")) {
                assertThat(source.get("channel").asString()).isEqualTo("ONLINE");
                statusByReport.put(reportIds.get(source.get("report").asString()), one.get("status").asString());
            }
        }
        assertThat(statusByReport).containsOnly(Map.entry(anonymousReference, "POTENTIAL"),
                Map.entry(contactReference, "POTENTIAL"));

        // A data manager finds each case on the registry page by the reporter's code, takes it, and only then
        // reads the report's personal fields: the contact details of the one who agreed to be contacted, none of
        // the anonymous one.
        browser.manage().deleteAllCookies();
        browser.get(hotline.base() + "/login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("datamanager");
        browser.findElement(By.id("password")).sendKeys("datamanager-demo");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/registry.html"));
        waitForText(By.id("cases"), "C-");
        ConsoleClient dataManager = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");

        String contactCase = openByReference(dataManager, contactReference);
        assertThat(browser.findElement(By.id("case-title")).getText()).isEqualTo("Case " + contactCase);
        waitForText(By.id("case-status"), "Potential victim");
        waitForText(By.id("sources"), "Online report");
        click(By.cssSelector("#sources .show-source"));
        waitForText(By.cssSelector("#sources .source-values"), "for the case's data manager");
        assertThat(browser.findElement(By.id("sources")).getText()).doesNotContain("Testfirst", "555", "quokka");

        click(By.id("take"));
        waitForText(By.id("case-meta"), "Demo Data Manager");
        click(By.cssSelector("#sources .show-source"));
        waitForText(By.cssSelector("#sources .source-values"), "Testfirst");
        assertThat(browser.findElement(By.cssSelector("#sources .source-values")).getText())
                .contains("Contact first name", "Testfirst", "Contact last name", "Fakename", "Contact phone",
                        "+1 555 0100 155", CONTACT_TEXT, "English")
                .doesNotContain("contactFirstName", "T18:", "\nen\n")
                .doesNotContain("personal fields are for");
        screenshot("registry-online-case-contact");

        String anonymousCase = openByReference(dataManager, anonymousReference);
        assertThat(anonymousCase).isNotEqualTo(contactCase);
        waitForText(By.id("case-title"), anonymousCase);
        waitForText(By.id("case-status"), "Potential victim");
        click(By.id("take"));
        waitForText(By.id("case-meta"), "Demo Data Manager");
        click(By.cssSelector("#sources .show-source"));
        waitForText(By.cssSelector("#sources .source-values"), ANONYMOUS_TEXT);
        assertThat(browser.findElement(By.cssSelector("#sources .source-values")).getText())
                .contains("Anonymous\nYes", "Reporter sex\nFemale").doesNotContain("Contact first name",
                        "Contact last name", "Contact phone", "Contact address", "Testfirst", "555");
        screenshot("registry-online-case-anonymous");
    }

    /**
     * Types a reporter's code into the registry page's search and opens the case it names, picked by that case's
     * number (as the registry API resolves the code), never by its place in a list; returns the case number.
     */
    private String openByReference(ConsoleClient api, String code) {
        JsonNode found = api.get("/api/cases?reference=" + code).body();
        assertThat(found).hasSize(1);
        String number = found.get(0).get("reference").asString();
        WebElement search = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("find-reference")));
        search.clear();
        search.sendKeys(code);
        click(By.id("find"));
        // The search's answer is the list now: that one case, nothing else.
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#cases tr"), 1));
        By row = By.xpath("//tbody[@id='cases']/tr[td[1]='" + number + "']");
        new WebDriverWait(browser, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(ExpectedConditions.elementToBeClickable(row)).click();
        waitForText(By.id("case-title"), number);
        return number;
    }

    private String reference() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reference")));
        String reference = browser.findElement(By.id("reference")).getText();
        assertThat(reference).matches("R-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}");
        return reference;
    }

    private void check(String field, String code) {
        browser.findElement(By.cssSelector("input[name=" + field + "][value=" + code + "]")).click();
    }

    private void click(String id) {
        click(By.id(id));
    }

    private void click(By locator) {
        wait.until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    private void waitForText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /** Kept under target/screenshots for whoever reads a failed CI run. */
    private void screenshot(String name) {
        HeadlessChromium.screenshot(browser, name);
    }
}
