package org.tiphotline.console.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tiphotline.operators.Role;

/** A half-configured single sign-on must name what it lacks, so that the application refuses to start with it. */
class SsoSettingsTest {

    @Test
    void enabledWithoutProviderClientOrRolesNamesEachMissingSetting() {
        SsoSettings bare = new SsoSettings(true, null, " ", null, null, null, null, null, null, null, null);
        assertThat(bare.missing()).containsExactly("issuer-uri", "client-id", "client-secret",
                "roles (provider value -> hotline role)");
    }

    @Test
    void defaultsAreTheUsualClaimsAndTheRfc8176MfaValue() {
        SsoSettings set = new SsoSettings(true, "https://id.example.org", "hotline", "secret", null, null, null,
                Map.of("hotline-operator", Role.OPERATOR), null, null, null);
        assertThat(set.missing()).isEmpty();
        assertThat(set.usernameClaim()).isEqualTo("preferred_username");
        assertThat(set.roleClaim()).isEqualTo("hotline_roles");
        assertThat(set.mfaAmr()).containsExactly("mfa");
        assertThat(set.scopes()).containsExactly("openid");
    }
}
