package org.tiphotline.console.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium driven by its chromedriver, headless, never a browser a test tool downloads. Without them a
 * browser test is skipped, unless {@code HOTLINE_REQUIRE_BROWSER=1} (CI) makes that a failure.
 */
public final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Skips the test when chromium is missing (fails it when the build requires the browser). */
    public static void assumeInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "1".equals(System.getenv("HOTLINE_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("HOTLINE_REQUIRE_BROWSER=1 but chromium or chromedriver is missing");
        }
        Assumptions.assumeTrue(installed, "Debian's chromium and chromium-driver are not installed");
    }

    /** A browser of its own (profile, cookies): one person at one desk. {@code extra}: more chromium arguments. */
    public static WebDriver start(String windowSize, String... extra) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=" + windowSize);
        options.addArguments(extra);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Opens the sign-in form at {@code base} and signs in as a person would type it. */
    public static void signIn(WebDriver browser, String base, String username, String password) {
        browser.get(base + "/login");
        new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png}, to be looked at. */
    public static void screenshot(WebDriver browser, String name) {
        // What the page holds, hidden parts included, not only what the picture shows.
        NumberWatch.received("page " + name, browser.getPageSource());
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
