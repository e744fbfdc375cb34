package org.tiphotline.retention;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.TestDatabase;

/**
 * A PostgreSQL of one retention test's own, and the core's services on it: a rule erases whatever falls under it, so
 * on the JVM's shared database it would erase other tests' calls and drafts, and "nothing else was erased" could not
 * be said.
 */
final class RetentionFixture implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;
    private final HikariDataSource ownerDataSource;
    final AnnotationConfigApplicationContext node;

    RetentionFixture() {
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        // The roles as in production: retention runs as the application's role, with only the rights V67 leaves it.
        ownerDataSource = TestDatabase.prepare(postgres, 2, "retention-test-owner");
        dataSource = TestDatabase.pool(postgres, TestDatabase.APPLICATION, 6, "retention-test-db");
        node = new AnnotationConfigApplicationContext();
        node.register(CoreTestConfiguration.class);
        node.registerBean("retentionFixtureBeans", BeanDefinitionRegistryPostProcessor.class,
                () -> new BeanDefinitionRegistryPostProcessor() {
                    @Override
                    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                        registry.removeBeanDefinition("dataSource");
                        registry.registerBeanDefinition("dataSource",
                                new RootBeanDefinition(DataSource.class, () -> dataSource));
                    }

                    @Override
                    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
                    }
                });
        node.refresh();
    }

    /** The schema's owner, for a fixture that imitates a failure with DDL. */
    org.jooq.DSLContext owner() {
        return org.jooq.impl.DSL.using(ownerDataSource, org.jooq.SQLDialect.POSTGRES);
    }

    <T> T get(Class<T> type) {
        return node.getBean(type);
    }

    @Override
    public void close() throws IOException {
        node.close();
        dataSource.close();
        ownerDataSource.close();
        postgres.close();
    }
}
