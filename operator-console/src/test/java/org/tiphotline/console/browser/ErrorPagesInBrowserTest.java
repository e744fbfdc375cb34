package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.PageCheck;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The pages nobody chooses to see (issue 17, item 5): a page one's role may not open, a page that does not exist,
 * a wrong password, a direct visit to {@code /error}. Each is the hotline's own page in human words with a way
 * back, never Spring's "Whitelabel Error Page" or its generated sign-in form; the API keeps answering JSON.
 */
class ErrorPagesInBrowserTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private WebDriver browser;

    @BeforeAll
    static void startHotline() {
        HeadlessChromium.assumeInstalled();
        hotline = RunningHotline.start(data);
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

    private WebDriverWait signedIn(String user, String password) {
        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), user, password);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
        return wait;
    }

    @Test
    void anOperatorOpeningTheAdministrationPageIsToldInWordsAndFindsTheWayBack() {
        WebDriverWait wait = signedIn("operator", "operator-demo");
        browser.get(hotline.base() + "/admin.html");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
        String text = browser.findElement(By.tagName("body")).getText();
        assertThat(text).doesNotContain("Whitelabel").doesNotContain("Forbidden").doesNotContain("403")
                .contains("You are not allowed to open this page");
        assertThat(browser.findElement(By.id("back")).getAttribute("href")).endsWith("/console.html");
        PageCheck.assertFitsAndIsAccessible(browser, "error-403");
        browser.findElement(By.id("back")).click();
        wait.until(ExpectedConditions.urlContains("/console.html"));
    }

    @Test
    void aPageThatDoesNotExistIsTheHotlinesOwnPage() {
        WebDriverWait wait = signedIn("supervisor", "supervisor-demo");
        browser.get(hotline.base() + "/no-such-page.html");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("Whitelabel")
                .contains("This page does not exist");
        assertThat(browser.findElement(By.id("back")).getAttribute("href")).endsWith("/supervisor.html");
        PageCheck.assertFitsAndIsAccessible(browser, "error-404");
    }

    @Test
    void aWrongPasswordIsShownOnTheHotlinesOwnSignInPage() {
        browser = HeadlessChromium.start("1280,720");
        HeadlessChromium.signIn(browser, hotline.base(), "operator", "not-the-password");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=alert]"),
                "Wrong username or password"));
        // The same look as every other page: the hotline's header and a card, not a bare form.
        assertThat(browser.findElements(By.cssSelector("header h1"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("section form.login-form"))).hasSize(1);
        PageCheck.assertFitsAndIsAccessible(browser, "sign-in-error");
    }

    @Test
    void noStepOfSigningInOrOutShowsSpringsOwnPages() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String cookie = "JSESSIONID=" + operator.sessionCookie();
        for (String path : List.of("/login", "/login?error", "/login?logout", "/login?ended", "/logout",
                "/login/webauthn", "/webauthn/register", "/default-ui.css", "/login;x", "/error",
                "/login?factor.type=webauthn")) {
            for (String who : new String[] {null, cookie}) {
                HttpResponse<String> r = html(path, who, "text/html");
                assertThat(r.body()).as("%s (%s)", path, who == null ? "signed out" : "signed in")
                        .doesNotContain("Whitelabel").doesNotContain("Please sign in")
                        .doesNotContain("Are you sure you want to log out").doesNotContain("default-ui.css");
                assertThat(r.statusCode()).as("%s (%s)", path, who).isNotEqualTo(500);
            }
        }
    }

    @Test
    void aDirectVisitToTheErrorPathIsAClear404() throws Exception {
        HttpResponse<String> page = html("/error", null, "text/html");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("This page does not exist").contains("/css/app.css");
        HttpResponse<String> json = html("/error", null, "application/json");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    }

    @Test
    void theApiAnswersJsonEvenToABrowsersAccept() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String cookie = "JSESSIONID=" + operator.sessionCookie();
        for (String path : List.of("/api/admin/users", "/api/no-such-thing")) {
            HttpResponse<String> r = html(path, cookie, "text/html,application/xhtml+xml");
            assertThat(r.statusCode()).as(path).isIn(403, 404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("application/json");
            assertThat(r.body()).as(path).contains("\"message\"").doesNotContain("Whitelabel");
        }
        // The pages' 403 keeps its status: a script or a monitor still tells refusal from success.
        HttpResponse<String> page = html("/admin.html", cookie, "text/html");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(page.body()).doesNotContain("<script>").doesNotContainPattern("\\son[a-z]+=");
    }

    private static HttpResponse<String> html(String path, String cookie, String accept) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hotline.base() + path)).header("Accept", accept)
                .timeout(Duration.ofSeconds(10)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
