package org.tiphotline.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.tiphotline.console.accounts.BootstrapAdmin;
import org.tiphotline.console.testing.HeadlessChromium;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Issue 16's walk-through, in real chromium, from an empty external-style database: the bootstrap command prints
 * the first administrator's one-time password; their first sign-in is held at the password change, then at the
 * second factor (administrators need one here, as in any deployment), where they add a passkey held by Chromium's
 * virtual authenticator; they sign out and in again with password and passkey; they create an operator and a data
 * manager and read their one-time passwords off the screen; the operator signs in at another desk, replaces the
 * password, goes available and takes a call on the simulated line; the administrator disables the operator, whose
 * open console is at the sign-in form within seconds. Screenshots of every step go to target/screenshots/.
 */
class FirstAdministratorWithPasskeyInBrowserTest {

    @TempDir
    Path data;

    private EmbeddedPostgres external;
    private RunningHotline hotline;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeEach
    void start() {
        HeadlessChromium.assumeInstalled();
    }

    @AfterEach
    void stop() throws IOException {
        browsers.forEach(WebDriver::quit);
        if (hotline != null) {
            hotline.close();
        }
        if (external != null) {
            external.close();
        }
    }

    @Test
    void fromAnEmptyDatabaseToADisabledOperatorWithAPasskeyAdministrator() throws Exception {
        external = EmbeddedPostgres.builder().start();
        String url = external.getJdbcUrl("postgres", "postgres");
        assertThat(count("select count(*) from pg_namespace where nspname = 'hotline'")).isZero();

        // The bootstrap command, as an operator of the deployment runs it once, with the nodes' database and keys.
        String key = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJD");
        String auditKey = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJE");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = BootstrapAdmin.run(new String[] {"--spring.datasource.url=" + url,
            "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
            "--hotline.protection.keys.k1=" + key, "--hotline.protection.active-key=k1",
            "--hotline.protection.hash-key=" + key, "--hotline.protection.audit-key=" + auditKey,
            "--hotline.bootstrap-admin=chief"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isZero();
        Matcher printed = Pattern.compile("\\n {4}([a-z2-9]{5}(?:-[a-z2-9]{5}){3})\\n")
                .matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(printed.find()).isTrue();
        String oneTime = printed.group(1);

        // The console on that database. A passkey is bound to the exact origin, so the port is chosen first.
        int port = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.datasource.url", url);
        settings.put("spring.datasource.username", "postgres");
        settings.put("spring.datasource.password", "postgres");
        settings.put("hotline.protection.keys.k1", key);
        settings.put("hotline.protection.active-key", "k1");
        settings.put("hotline.protection.hash-key", key);
        settings.put("hotline.protection.audit-key", auditKey);
        settings.put("server.port", String.valueOf(port));
        settings.put("hotline.security.webauthn.rp-id", "localhost");
        settings.put("hotline.security.webauthn.allowed-origins", "http://localhost:" + port);
        settings.put("hotline.security.second-factor.required-roles",
                "SUPERVISOR,DATA_MANAGER,DATA_MANAGEMENT_LEADER,ADMIN");
        // A training setup's simulated line, switched on explicitly (it is off outside the demo).
        settings.put("hotline.telephony.simulated.enabled", "true");
        hotline = RunningHotline.start(data, settings);

        // First sign-in: the one-time password is replaced, then a passkey is added.
        WebDriver admin = newBrowser();
        VirtualAuthenticator key1 = ((HasVirtualAuthenticator) admin).addVirtualAuthenticator(
                new VirtualAuthenticatorOptions().setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL).setHasResidentKey(true)
                        .setHasUserVerification(true).setIsUserVerified(true));
        WebDriverWait adminWait = new WebDriverWait(admin, Duration.ofSeconds(15));
        login(admin, "chief", oneTime);
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("first-time")));
        screenshot(admin, "passkey-01-admin-first-sign-in");
        String passphrase = "lanterns over a quiet bay";
        changePassword(admin, oneTime, passphrase);
        adminWait.until(ExpectedConditions.urlContains("/factors.html"));
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-add")));
        screenshot(admin, "passkey-02-admin-must-enrol");
        admin.get(hotline.base() + "/admin.html");
        adminWait.until(ExpectedConditions.urlContains("/factors.html"));
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-add"))).click();
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("codes")));
        assertThat(admin.findElements(By.cssSelector("#recovery-codes li"))).hasSize(10);
        assertThat(key1.getCredentials()).as("the virtual authenticator holds the passkey").hasSize(1);
        assertThat(count("select count(*) from hotline.user_credentials c join hotline.user_entities u"
                + " on u.id = c.user_entity_user_id where u.name = 'chief'")).isEqualTo(1);
        screenshot(admin, "passkey-03-admin-recovery-codes");
        admin.findElement(By.id("continue")).click();
        adminWait.until(ExpectedConditions.urlContains("/admin.html"));
        adminWait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-chief")));
        screenshot(admin, "passkey-04-admin-page");

        // Signed out and in again: password, then the passkey.
        admin.findElement(By.cssSelector("form.logout button")).click();
        adminWait.until(ExpectedConditions.urlContains("/login"));
        login(admin, "chief", passphrase);
        adminWait.until(ExpectedConditions.urlContains("/factors.html"));
        adminWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-use")));
        assertThat(admin.findElement(By.id("verify-app")).isDisplayed()).as("no app was enrolled").isFalse();
        screenshot(admin, "passkey-05-admin-second-sign-in");
        admin.findElement(By.id("passkey-use")).click();
        adminWait.until(ExpectedConditions.urlContains("/admin.html"));
        adminWait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-chief")));
        assertThat(count("select count(*) from hotline.audit_log where entity = 'second_factor' and entity_id ="
                + " 'chief' and fields @> array['passkey_used']")).isEqualTo(2);

        // An operator and a data manager, with the one-time passwords read off the screen.
        String operatorOneTime = createUser(admin, adminWait, "test-floor", "Testfloor Fakename", "Operator");
        screenshot(admin, "passkey-06-admin-created-operator");
        admin.findElement(By.id("secret-done")).click();
        createUser(admin, adminWait, "test-records", "Testrecords Fakename", "Data manager");
        screenshot(admin, "passkey-07-admin-created-data-manager");
        admin.findElement(By.id("secret-done")).click();
        adminWait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-test-records")));
        assertThat(admin.findElement(By.id("user-test-records")).getText()).contains("Data manager");
        // A lost key: the administrator resets the data manager's second factor from the page (audited).
        admin.findElement(By.id("user-test-records")).click();
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-title"), "test-records"));
        admin.findElement(By.id("reset-factors")).click();
        // The page's own dialog, not confirm() (issue 17).
        adminWait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("dialog[open] button[type=submit]")))
                .click();
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-status"),
                "Second factor reset"));
        assertThat(count("select count(*) from hotline.audit_log where actor = 'chief' and entity_id ="
                + " 'test-records' and fields @> array['factors_reset']")).isEqualTo(1);
        screenshot(admin, "passkey-07b-admin-reset-second-factor");

        // The operator at another desk: a passphrase of their own, available, and a call.
        WebDriver operator = newBrowser();
        WebDriverWait operatorWait = new WebDriverWait(operator, Duration.ofSeconds(15));
        login(operator, "test-floor", operatorOneTime);
        operatorWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("first-time")));
        changePassword(operator, operatorOneTime, "harbour lights at night");
        operatorWait.until(ExpectedConditions.urlContains("/console.html"));
        operatorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "live"));
        operator.findElement(By.id("go-available")).click();
        operatorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presence"), "Available"));
        operator.findElement(By.id("sim-place")).click();
        operatorWait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-situation")));
        operator.findElement(By.id("answer")).click();
        operatorWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-state"), "Talking"));
        screenshot(operator, "passkey-08-operator-on-a-call");

        // Disabled by the administrator: the operator's open console loses its session at once.
        admin.findElement(By.id("user-test-floor")).click();
        adminWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-title"), "test-floor"));
        long before = System.nanoTime();
        admin.findElement(By.id("toggle-enabled")).click();
        // The page's own dialog, not confirm() (issue 17).
        adminWait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("dialog[open] button[type=submit]")))
                .click();
        adminWait.until(ExpectedConditions.textToBe(By.id("toggle-enabled"), "Enable"));
        new WebDriverWait(operator, Duration.ofSeconds(5)).until(ExpectedConditions.urlContains("/login"));
        // The operator is told why, not left at a bare sign-in form.
        new WebDriverWait(operator, Duration.ofSeconds(5)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("session-ended"), "Your session has ended"));
        System.out.printf("disabled operator's console at the sign-in form after %d ms%n",
                (System.nanoTime() - before) / 1_000_000);
        screenshot(admin, "passkey-09-admin-disabled-operator");
        screenshot(operator, "passkey-10-operator-signed-out");
        operator.get(hotline.base() + "/console.html");
        operatorWait.until(ExpectedConditions.urlContains("/login"));
    }

    private String createUser(WebDriver admin, WebDriverWait wait, String username, String name, String role) {
        admin.findElement(By.id("new-username")).sendKeys(username);
        admin.findElement(By.id("new-displayName")).sendKeys(name);
        new Select(admin.findElement(By.id("new-role"))).selectByVisibleText(role);
        admin.findElement(By.cssSelector("#new-languages input[value=en]")).click();
        admin.findElement(By.id("create-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("secret-title"), name));
        String password = admin.findElement(By.id("secret-password")).getText();
        assertThat(password).matches("[a-z2-9]{5}(-[a-z2-9]{5}){3}");
        return password;
    }

    private void changePassword(WebDriver browser, String current, String next) {
        browser.findElement(By.id("current")).sendKeys(current);
        browser.findElement(By.id("next")).sendKeys(next);
        browser.findElement(By.id("repeat")).sendKeys(next);
        browser.findElement(By.id("change-button")).click();
    }

    private WebDriver newBrowser() {
        WebDriver driver = HeadlessChromium.start("1400,1000");
        browsers.add(driver);
        return driver;
    }

    private void login(WebDriver browser, String username, String password) {
        HeadlessChromium.signIn(browser, hotline.base(), username, password);
    }

    private long count(String sql) throws Exception {
        try (Connection c = external.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void screenshot(WebDriver browser, String name) {
        HeadlessChromium.screenshot(browser, name);
    }
}
