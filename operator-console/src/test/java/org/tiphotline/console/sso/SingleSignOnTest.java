package org.tiphotline.console.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.APP_USER;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.accounts.Accounts;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.signin.SignInEvents;
import org.tiphotline.signin.SignInEvents.Outcome;

/**
 * Single sign-on through a real OpenID Connect provider on a loopback port, the authorization-code flow driven
 * over HTTP as a browser drives it: who is let in (an existing, enabled local user whose provider role is their
 * role here), who is refused and how it is logged, and when the provider's MFA counts as our second factor.
 */
class SingleSignOnTest {

    @TempDir
    static Path data;

    private static TestIdentityProvider provider;
    private static RunningHotline hotline;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        provider = new TestIdentityProvider(port);
        hotline = RunningHotline.start(data, Map.ofEntries(
                Map.entry("server.port", Integer.toString(port)),
                Map.entry("hotline.security.second-factor.required-roles",
                        "SUPERVISOR,DATA_MANAGER,DATA_MANAGEMENT_LEADER,ADMIN"),
                Map.entry("hotline.security.oidc.enabled", "true"),
                Map.entry("hotline.security.oidc.issuer-uri", provider.issuer()),
                Map.entry("hotline.security.oidc.client-id", TestIdentityProvider.CLIENT_ID),
                Map.entry("hotline.security.oidc.client-secret", TestIdentityProvider.CLIENT_SECRET),
                Map.entry("hotline.security.oidc.display-name", "Testministry ID"),
                Map.entry("hotline.security.oidc.mfa-acr", "urn:testministry:loa:high"),
                Map.entry("hotline.security.oidc.roles.hotline-operator", "OPERATOR"),
                Map.entry("hotline.security.oidc.roles.hotline-supervisor", "SUPERVISOR")));
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        operators.create("raised", "Testoperator Raised (fake)", passwords.encode("raised-demo-password"),
                Role.OPERATOR, List.of("en"), null);
        operators.create("gone", "Testoperator Gone (fake)", passwords.encode("gone-demo-password"),
                Role.OPERATOR, List.of("en"), null);
        operators.create("supervisor3", "Testsupervisor Third (fake)", passwords.encode("supervisor3-demo"),
                Role.SUPERVISOR, List.of("en"), null);
        operators.create("supervisor4", "Testsupervisor Fourth (fake)", passwords.encode("supervisor4-demo"),
                Role.SUPERVISOR, List.of("en"), null);
        operators.create("leaver", "Testoperator Leaver (fake)", passwords.encode("leaver-demo-password"),
                Role.OPERATOR, List.of("en"), null);
        hotline.bean(DSLContext.class).update(APP_USER).set(APP_USER.ENABLED, false)
                .where(APP_USER.USERNAME.eq("gone")).execute();

        // At the provider the names differ from ours on purpose: the configured claim carries the local username.
        provider.person("op.ministry", "idp-pass-1", Map.of("preferred_username", "operator",
                "hotline_roles", List.of("hotline-operator", "ministry-staff")));
        provider.person("sup.mfa", "idp-pass-2", Map.of("preferred_username", "supervisor",
                "hotline_roles", "hotline-supervisor", "amr", List.of("pwd", "mfa")));
        provider.person("sup.pwd", "idp-pass-3", Map.of("preferred_username", "supervisor3",
                "hotline_roles", "hotline-supervisor", "amr", List.of("pwd")));
        provider.person("sup.acr", "idp-pass-8", Map.of("preferred_username", "supervisor4",
                "hotline_roles", "hotline-supervisor", "acr", "urn:testministry:loa:high"));
        provider.person("stranger", "idp-pass-4", Map.of("preferred_username", "nobody-here",
                "hotline_roles", "hotline-operator"));
        provider.person("left", "idp-pass-5", Map.of("preferred_username", "gone",
                "hotline_roles", "hotline-operator"));
        provider.person("leaver.idp", "idp-pass-7", Map.of("preferred_username", "leaver",
                "hotline_roles", "hotline-operator"));
        provider.person("climber", "idp-pass-6", Map.of("preferred_username", "raised",
                "hotline_roles", List.of("hotline-supervisor")));
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void theSignInPageOffersTheProviderBesideThePassword() {
        String page = new SsoBrowser().open(hotline.base() + "/login").body();
        assertThat(page).contains("href=\"/oauth2/authorization/sso\"").contains("Sign in with Testministry ID")
                .contains("name=\"password\"");
    }

    @Test
    void aMappedOperatorLandsOnTheConsoleAndReachesTheirApiButNoOneElses() {
        SsoBrowser browser = new SsoBrowser();
        SsoBrowser.Page landed = browser.signInThroughProvider(hotline.base(), "op.ministry", "idp-pass-1");
        assertThat(landed.status()).isEqualTo(200);
        assertThat(landed.uri().getPath()).isEqualTo("/console.html");
        SsoBrowser.Page me = browser.api(hotline.base() + "/api/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(ConsoleClient.parse(me.body()).get("username").asString()).isEqualTo("operator");
        assertThat(browser.api(hotline.base() + "/api/operators").status()).isEqualTo(403);
        assertThat(logged("operator")).contains(Outcome.SSO_SIGNED_IN);
        // The password account keeps working beside it.
        assertThat(ConsoleClient.login(hotline.base(), "operator", "operator-demo").get("/api/me").status())
                .isEqualTo(200);
    }

    @Test
    void theProvidersMfaClaimCountsAsTheSecondFactor() {
        SsoBrowser browser = new SsoBrowser();
        SsoBrowser.Page landed = browser.signInThroughProvider(hotline.base(), "sup.mfa", "idp-pass-2");
        assertThat(landed.uri().getPath()).isEqualTo("/supervisor.html");
        assertThat(landed.status()).isEqualTo(200);
        assertThat(browser.api(hotline.base() + "/api/operators").status()).isEqualTo(200);
        assertThat(ConsoleClient.parse(browser.api(hotline.base() + "/api/factors").body()).get("complete")
                .asBoolean()).isTrue();
    }

    @Test
    void aConfiguredAcrValueCountsAsTheSecondFactorToo() {
        SsoBrowser browser = new SsoBrowser();
        assertThat(browser.signInThroughProvider(hotline.base(), "sup.acr", "idp-pass-8").uri().getPath())
                .isEqualTo("/supervisor.html");
        assertThat(browser.api(hotline.base() + "/api/operators").status()).isEqualTo(200);
    }

    @Test
    void withoutTheMfaClaimASupervisorStillOwesOurSecondFactor() {
        SsoBrowser browser = new SsoBrowser();
        SsoBrowser.Page landed = browser.signInThroughProvider(hotline.base(), "sup.pwd", "idp-pass-3");
        assertThat(landed.uri().getPath()).isEqualTo("/factors.html");
        assertThat(browser.api(hotline.base() + "/api/operators").status()).isEqualTo(403);
        var factors = ConsoleClient.parse(browser.api(hotline.base() + "/api/factors").body());
        assertThat(factors.get("required").asBoolean()).isTrue();
        assertThat(factors.get("complete").asBoolean()).isFalse();
        assertThat(logged("supervisor3")).contains(Outcome.SSO_SIGNED_IN);
        // The administrators' list shows it as the last sign-in (this user never signed in with a password).
        assertThat(hotline.bean(DSLContext.class).select(APP_USER.LAST_SIGN_IN_AT).from(APP_USER)
                .where(APP_USER.USERNAME.eq("supervisor3")).fetchOne(APP_USER.LAST_SIGN_IN_AT)).isNotNull();
    }

    @Test
    void someoneWithNoAccountHereIsRefusedAndLogged() {
        assertRefused("stranger", "idp-pass-4", "There is no account on this hotline for nobody-here");
        assertThat(logged("nobody-here")).contains(Outcome.SSO_REFUSED_UNKNOWN_USER);
    }

    @Test
    void aDisabledUserIsRefusedAndLogged() {
        assertRefused("left", "idp-pass-5", "Your account on this hotline (gone) is disabled");
        assertThat(logged("gone")).contains(Outcome.SSO_REFUSED_DISABLED);
    }

    @Test
    void theProviderCannotRaiseAnOperatorToSupervisor() {
        assertRefused("climber", "idp-pass-6", "does not match your role on this hotline");
        assertThat(logged("raised")).contains(Outcome.SSO_REFUSED_ROLE).doesNotContain(Outcome.SSO_SIGNED_IN);
    }

    @Test
    void disablingTheLocalUserEndsTheirSingleSignOnSessionAtOnce() {
        SsoBrowser browser = new SsoBrowser();
        assertThat(browser.signInThroughProvider(hotline.base(), "leaver.idp", "idp-pass-7").uri().getPath())
                .isEqualTo("/console.html");
        assertThat(browser.api(hotline.base() + "/api/me").status()).isEqualTo(200);
        Operators operators = hotline.bean(Operators.class);
        var admin = operators.byUsername("admin").orElseThrow();
        hotline.bean(Accounts.class).setEnabled(new Actor(admin.id(), admin.username(), admin.role()),
                operators.byUsername("leaver").orElseThrow().id().value(), false);
        assertThat(browser.api(hotline.base() + "/api/me").status()).isEqualTo(401);
    }

    @Test
    void aForgedAnswerFromTheProviderIsRefusedAndLogged() {
        SsoBrowser browser = new SsoBrowser();
        SsoBrowser.Page refused = browser.open(hotline.base() + "/login/oauth2/code/sso?code=forged&state=forged");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("did not complete").contains("authorization_request_not_found");
        assertThat(logged("")).contains(Outcome.SSO_FAILED);
        assertThat(browser.api(hotline.base() + "/api/me").status()).isEqualTo(401);
    }

    @Test
    void switchedOffThereIsNoProviderEndpointAndNoButton(@TempDir Path otherData) {
        try (RunningHotline plain = RunningHotline.start(otherData)) {
            SsoBrowser browser = new SsoBrowser();
            assertThat(browser.open(plain.base() + "/oauth2/authorization/sso").status()).isEqualTo(404);
            assertThat(browser.open(plain.base() + "/login/oauth2/code/sso?code=x&state=y").status())
                    .isEqualTo(404);
            String page = browser.open(plain.base() + "/login").body();
            assertThat(page).contains("name=\"password\"").doesNotContain("oauth2").doesNotContain("Sign in with");
            assertThat(plain.beans(SingleSignOn.class)).isEmpty();
        }
    }

    private static void assertRefused(String name, String password, String why) {
        SsoBrowser browser = new SsoBrowser();
        SsoBrowser.Page refused = browser.signInThroughProvider(hotline.base(), name, password);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.uri().getPath()).startsWith("/login/oauth2/code/");
        assertThat(refused.body()).contains("You are not signed in").contains(why);
        assertThat(browser.api(hotline.base() + "/api/me").status()).isEqualTo(401);
    }

    private static List<Outcome> logged(String username) {
        return hotline.bean(SignInEvents.class).latest(200).stream().filter(e -> e.username().equals(username))
                .map(SignInEvents.Event::outcome).toList();
    }
}
