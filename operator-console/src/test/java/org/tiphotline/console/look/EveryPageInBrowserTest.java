package org.tiphotline.console.look;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Every page, signed in as the person it is for (or nobody, for the public ones), at 1280x720 and 1920x1080: no
 * card overflows, no sideways scroll, 0 axe-core WCAG 2.2 A/AA violations, and no code or id where words belong.
 * Screenshots: {@code operator-console/target/screenshots/page-*.png}.
 */
class EveryPageInBrowserTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private WebDriver browser;

    @BeforeAll
    static void startHotline() {
        HeadlessChromium.assumeInstalled();
        // The demo profile: its accounts (the police liaison too), its fake directory, the simulated line.
        hotline = RunningHotline.start(data, java.util.Map.of("spring.profiles.active", "demo"));
    }

    @AfterAll
    static void stopHotline() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    static Stream<Arguments> pages() {
        return Stream.of(
                Arguments.of("sign-in", null, null, "/login", "username"),
                Arguments.of("online-form", null, null, "/report.html", "report"),
                Arguments.of("quick-exit-page", null, null, "/weather.html", "main"),
                Arguments.of("operator-console", "operator", "operator-demo", "/console.html", "drafts-section"),
                Arguments.of("supervisor", "supervisor", "supervisor-demo", "/supervisor.html", "calllog"),
                Arguments.of("registry", "leader", "leader-demo", "/registry.html", "cases"),
                Arguments.of("statistics", "datamanager", "datamanager-demo", "/statistics.html", "main"),
                Arguments.of("screening", "reporter", "reporter-demo", "/screening.html", "main"),
                Arguments.of("liaison", "police", "police-demo", "/liaison.html", "main"),
                Arguments.of("administration", "admin", "admin-demo", "/admin.html", "main"),
                Arguments.of("system-status", "admin", "admin-demo", "/status.html", "main"),
                Arguments.of("account", "operator", "operator-demo", "/account.html", "main"),
                Arguments.of("second-factors", "operator", "operator-demo", "/factors.html", "main"),
                Arguments.of("record-a-contact", "operator", "operator-demo", "/contact.html", "contact-section"),
                Arguments.of("wallboard", "wallboard", "wallboard-demo", "/wallboard.html", "operator-groups"),
                Arguments.of("audit-trail", "auditor", "auditor-demo", "/trail.html", "trail"),
                // The demo's batch (DemoRetention) waits there for the leader's decision.
                Arguments.of("retention", "leader", "leader-demo", "/retention.html", "proposed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void fitsBothScreensAndPassesWcag22AA(String name, String user, String password, String path, String shownId) {
        browser = HeadlessChromium.start("1280,720");
        if (user != null) {
            HeadlessChromium.signIn(browser, hotline.base(), user, password);
            new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.not(
                    ExpectedConditions.urlContains("/login")));
        }
        browser.get(hotline.base() + path);
        By shown = shownId.equals("main") ? By.tagName("main") : By.id(shownId);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(shown));
        // Pages fill themselves from the API after load: wait until no request is pending for a moment.
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(b -> ((org.openqa.selenium.JavascriptExecutor) b)
                .executeScript("return document.readyState").equals("complete"));
        sleep(700);
        assertThat(browser.getCurrentUrl()).as("the page for %s, not a redirect", name).contains(path);
        assertThat(browser.findElement(By.tagName("body")).getText())
                .as("no raw code or id on %s", name)
                .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b")
                .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .doesNotContain("Whitelabel");
        PageCheck.assertFitsAndIsAccessible(browser, "page-" + name);
        if (PHONE_PAGES.contains(name)) {
            PageCheck.assertFitsAPhoneAndIsAccessible(browser, "page-" + name);
        }
    }

    /** Pages people open on a phone: the public form, and agencies' liaisons away from a desk. */
    private static final java.util.Set<String> PHONE_PAGES = java.util.Set.of("online-form", "liaison", "sign-in",
            "quick-exit-page");

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
