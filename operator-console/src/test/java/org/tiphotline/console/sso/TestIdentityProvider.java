package org.tiphotline.console.sso;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A real OpenID Connect provider (Spring Security's authorization server) in the test JVM, on a loopback port of
 * its own, with its own sign-in form: it speaks discovery, the authorization-code flow, the token endpoint and
 * signed ID tokens exactly as a ministry's provider would. It listens on 127.0.0.1 while the hotline is reached as
 * localhost, so that one browser's cookie jar keeps the two sessions apart, as a browser does for two sites.
 * Each person's ID token carries the claims the test gives them.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String CLIENT_ID = "hotline";
    public static final String CLIENT_SECRET = "test-client-secret-not-real";

    /** The provider's people: password and ID token claims, by the name they sign in with at the provider. */
    static final class People {
        final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        final Map<String, Map<String, Object>> claims = new ConcurrentHashMap<>();
    }

    private final People people = new People();
    private final ConfigurableApplicationContext context;

    /** Starts a provider that sends people back to a hotline on {@code hotlinePort} (as localhost). */
    public TestIdentityProvider(int hotlinePort) {
        context = new SpringApplicationBuilder(Provider.class).web(WebApplicationType.SERVLET)
                // None of the hotline's own settings: this is another application.
                .properties("spring.config.name=test-identity-provider", "spring.main.banner-mode=off",
                        "test.hotline-port=" + hotlinePort)
                .initializers(c -> c.getBeanFactory().registerSingleton("people", people))
                .run();
    }

    public void person(String name, String password, Map<String, Object> claims) {
        people.users.createUser(User.withUsername(name).password("{noop}" + password).roles("USER").build());
        people.claims.put(name, Map.copyOf(claims));
    }

    public String issuer() {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Override
    public void close() {
        context.close();
    }

    /** Not a @Configuration: the hotline's component scan covers this package and must never find it. */
    @EnableWebSecurity
    static class Provider {

        @Bean
        TomcatServletWebServerFactory server() {
            TomcatServletWebServerFactory tomcat = new TomcatServletWebServerFactory(0);
            tomcat.setAddress(InetAddress.getLoopbackAddress());
            // No MVC here: the provider is all filters, and Tomcat runs filters only for a request some servlet maps.
            tomcat.setRegisterDefaultServlet(true);
            return tomcat;
        }

        @Bean
        SecurityFilterChain provider(HttpSecurity http) throws Exception {
            return http.oauth2AuthorizationServer(as -> as.oidc(Customizer.withDefaults()))
                    .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults())
                    .build();
        }

        @Bean
        UserDetailsService users(People people) {
            return people.users;
        }

        @Bean
        RegisteredClientRepository clients(Environment settings) {
            int hotlinePort = settings.getRequiredProperty("test.hotline-port", Integer.class);
            return new InMemoryRegisteredClientRepository(RegisteredClient.withId(UUID.randomUUID().toString())
                    .clientId(CLIENT_ID).clientSecret("{noop}" + CLIENT_SECRET)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("http://localhost:" + hotlinePort + "/login/oauth2/code/sso")
                    .scope(OidcScopes.OPENID)
                    .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                    .build());
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> claims(People people) {
            return context -> {
                if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    Map<String, Object> own = people.claims.getOrDefault(context.getPrincipal().getName(), Map.of());
                    context.getClaims().claims(c -> c.putAll(own));
                }
            };
        }

        @Bean
        JWKSource<SecurityContext> keys() throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        /** The provider's user-info endpoint checks its own access tokens with it. */
        @Bean
        JwtDecoder tokens(JWKSource<SecurityContext> keys) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
        }

        @Bean
        AuthorizationServerSettings settings() {
            // No fixed issuer: it is the address the request came to, http://127.0.0.1:<port>.
            return AuthorizationServerSettings.builder().build();
        }
    }
}
