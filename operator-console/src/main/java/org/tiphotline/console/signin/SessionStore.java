package org.tiphotline.console.signin;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.jdbc.PostgreSqlJdbcIndexedSessionRepositoryCustomizer;

/**
 * The HTTP sessions in PostgreSQL (Spring Session JDBC, tables of V53), written with PostgreSQL's upsert: the
 * console opens with several requests at once, and two of them adding the same session attribute made the plain
 * INSERT fail on the attributes' primary key (a 500, and a console whose live channel never came up).
 */
@Configuration(proxyBeanMethods = false)
class SessionStore {

    @Bean
    PostgreSqlJdbcIndexedSessionRepositoryCustomizer postgreSqlSessionQueries() {
        return new PostgreSqlJdbcIndexedSessionRepositoryCustomizer();
    }
}
