package org.tiphotline.console.sso;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The provider's registration, read from its discovery document when first needed and kept once read. Not at
 * start-up: a ministry's provider being down must not keep the hotline (and its password accounts) from starting.
 */
final class ProviderRegistration implements ClientRegistrationRepository {

    static final String ID = "sso";
    private static final Logger log = LoggerFactory.getLogger(ProviderRegistration.class);

    private final SsoSettings settings;
    private volatile ClientRegistration registration;

    ProviderRegistration(SsoSettings settings) {
        this.settings = settings;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return ID.equals(registrationId) ? load().orElse(null) : null;
    }

    /** The registration, or empty while the provider cannot be reached (tried again at the next sign-in). */
    Optional<ClientRegistration> load() {
        ClientRegistration known = registration;
        if (known != null) {
            return Optional.of(known);
        }
        try {
            known = ClientRegistrations.fromIssuerLocation(settings.issuerUri()).registrationId(ID)
                    .clientId(settings.clientId()).clientSecret(settings.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                    .scope(settings.scopes())
                    // The subject is always there; the username claim is checked by SsoUsers, which can refuse
                    // plainly where a missing name attribute would be an exception.
                    .userNameAttributeName("sub")
                    .clientName(settings.displayName()).build();
            registration = known;
            return Optional.of(known);
        } catch (RuntimeException unreachable) {
            log.warn("the single sign-on provider {} cannot be read: {}", settings.issuerUri(),
                    cut(String.valueOf(unreachable.getMessage())));
            return Optional.empty();
        }
    }

    /** The provider's error page may follow the reason: the reason is enough for the log. */
    private static String cut(String message) {
        return message.length() <= 200 ? message : message.substring(0, 200) + "…";
    }
}
