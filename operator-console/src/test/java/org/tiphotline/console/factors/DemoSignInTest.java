package org.tiphotline.console.factors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Role;

/**
 * The README's start command (the demo profile) signs its accounts in with a password alone and says so on the
 * sign-in page; without the demo's setting, every privileged role needs a second factor.
 */
class DemoSignInTest {

    @TempDir
    Path data;

    @Test
    void theDemoProfileAsksNoSecondFactorAndTheSignInPageSaysSo() {
        try (RunningHotline demo = RunningHotline.start(data, Map.of("spring.profiles.active", "demo"))) {
            ConsoleClient.Text login = ConsoleClient.login(demo.base(), "operator", "operator-demo")
                    .getText("/login");
            assertThat(login.body()).contains("id=\"no-second-factor\"").contains("password only");
            for (String user : new String[] {"supervisor", "datamanager", "leader", "admin", "auditor"}) {
                ConsoleClient client = ConsoleClient.login(demo.base(), user, user + "-demo");
                assertThat(client.get("/api/factors").body().get("required").asBoolean()).as(user).isFalse();
            }
            assertThat(ConsoleClient.login(demo.base(), "supervisor", "supervisor-demo").get("/api/calllog")
                    .status()).isEqualTo(200);
            assertThat(ConsoleClient.login(demo.base(), "leader", "leader-demo").get("/api/cases").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void unsetTheRolesThatReadPersonalDataOrManageUsersNeedASecondFactor() {
        SecondFactorSettings unset = bind(Map.of());
        // The auditor too (issue 21): who opened which victim's file is as sensitive as the files.
        assertThat(unset.requiredRoles()).containsExactlyInAnyOrder(Role.SUPERVISOR, Role.DATA_MANAGER,
                Role.DATA_MANAGEMENT_LEADER, Role.ADMIN, Role.AUDITOR);
        assertThat(bind(Map.of("hotline.security.second-factor.required-roles", "")).requiredRoles()).isEmpty();
        assertThat(bind(Map.of("hotline.security.second-factor.required-roles", "SUPERVISOR,ADMIN,OPERATOR"))
                .requiredRoles()).containsExactlyInAnyOrder(Role.SUPERVISOR, Role.ADMIN, Role.OPERATOR);
    }

    private static SecondFactorSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("hotline.security.second-factor", SecondFactorSettings.class);
    }
}
