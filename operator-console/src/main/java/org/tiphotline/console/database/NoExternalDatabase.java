package org.tiphotline.console.database;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * True when no datasource URL is configured (as a property or as SPRING_DATASOURCE_URL): the application
 * then runs its own embedded PostgreSQL and, being a demo or single-machine install, its demo accounts.
 */
public class NoExternalDatabase implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String url = context.getEnvironment().getProperty("spring.datasource.url");
        return url == null || url.isBlank();
    }
}
