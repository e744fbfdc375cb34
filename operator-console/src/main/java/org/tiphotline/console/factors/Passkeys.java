package org.tiphotline.console.factors;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.management.JdbcPublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;

/**
 * Spring Security's own passkey support, stored in PostgreSQL (the V26 tables, found through the pool's schema:
 * spring.datasource.hikari.schema) for the relying party of {@link PasskeySettings}. {@code webAuthn()} in the web
 * security finds these beans.
 */
@Configuration(proxyBeanMethods = false)
class Passkeys {

    @Bean
    PublicKeyCredentialUserEntityRepository passkeyUsers(DataSource db) {
        return new JdbcPublicKeyCredentialUserEntityRepository(new JdbcTemplate(db));
    }

    @Bean
    UserCredentialRepository passkeyCredentials(DataSource db) {
        return new JdbcUserCredentialRepository(new JdbcTemplate(db));
    }

    @Bean
    WebAuthnRelyingPartyOperations relyingParty(PublicKeyCredentialUserEntityRepository users,
            UserCredentialRepository credentials, PasskeySettings settings) {
        return new Webauthn4JRelyingPartyOperations(users, credentials,
                PublicKeyCredentialRpEntity.builder().id(settings.rpId()).name(settings.rpName()).build(),
                settings.allowedOrigins());
    }
}
