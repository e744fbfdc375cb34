package org.tiphotline.console.database;

import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's database role as the migrations know it: V61 grants it what the application needs (and no
 * more) through the Flyway placeholder {@code application_role}. Set {@code hotline.database.application-role} when
 * an external database names it otherwise than {@code hotline_app} (the embedded run always uses that name).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseRoles {

    static final String PLACEHOLDER = "application_role";

    @Bean
    FlywayConfigurationCustomizer applicationRolePlaceholder(
            @Value("${hotline.database.application-role:hotline_app}") String role) {
        // It is written into SQL as an identifier: a plain lower-case name only.
        if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("hotline.database.application-role must be a plain PostgreSQL role "
                    + "name (lower-case letters, digits and '_', at most 63): '" + role + "' is not");
        }
        return configuration -> {
            Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
            placeholders.put(PLACEHOLDER, role);
            configuration.placeholders(placeholders);
        };
    }
}
