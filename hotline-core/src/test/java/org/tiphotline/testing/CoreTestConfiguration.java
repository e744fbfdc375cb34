package org.tiphotline.testing;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.cluster.ClusterSettings;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.exports.ExportSettings;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.protection.AuditChainSettings;
import org.tiphotline.protection.KeyRing;

/**
 * The core's services on the real test database, without a Spring Boot application: use it with
 * {@code @SpringJUnitConfig(CoreTestConfiguration.class)} (the context is cached and shared by every test class
 * that names it). jOOQ, the transaction manager and {@code TransactionTemplate} come from Spring Boot's own
 * auto-configurations, imported explicitly, so the {@code DSLContext} joins Spring transactions exactly as in
 * the application (a {@code TransactionAwareDataSourceProxy} connection provider, Spring exception
 * translation such as {@code DuplicateKeyException}).
 *
 * <p>Not included: the {@code Router} (it keeps routing state across tests and would react to every queued
 * call), the telephony ports and {@code Supervision}, which drives them. A module that needs them imports them itself.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
        JooqAutoConfiguration.class})
@ComponentScan(basePackages = {"org.tiphotline.calls", "org.tiphotline.intake", "org.tiphotline.protection",
        "org.tiphotline.operators", "org.tiphotline.calllog", "org.tiphotline.registry", "org.tiphotline.screening",
        "org.tiphotline.online", "org.tiphotline.exports", "org.tiphotline.statistics", "org.tiphotline.factors",
        "org.tiphotline.retention"},
        // Supervision drives the telephony ports, which are not included (see above).
        excludeFilters = @ComponentScan.Filter(type = org.springframework.context.annotation.FilterType.ASSIGNABLE_TYPE,
                classes = org.tiphotline.calls.Supervision.class))
public class CoreTestConfiguration {

    /** The hotline languages the test IVR offers. */
    public static final List<String> LANGUAGES = List.of("en", "es", "fr");

    /** The fake jurisdiction's places. */
    public static final List<String> PLACES = List.of("Test Parish North", "Test Parish South");

    @Bean(destroyMethod = "")
    public DataSource dataSource() {
        return TestDatabase.get().dataSource();
    }

    /** Never leads here (no application becomes ready): tests run the leader's scheduled work themselves. */
    @Bean
    public Leadership leadership(DataSource dataSource, ApplicationEventPublisher events) {
        return new Leadership(dataSource, events, new ClusterSettings("test", Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
    }

    @Bean
    public MutableClock clock() {
        return new MutableClock();
    }

    @Bean
    public KeyRing keyRing() {
        return FakeData.keyRing();
    }

    /** The audit chain's settings; its heads go to a directory of this JVM's own (tests that read heads use theirs). */
    @Bean
    public AuditChainSettings auditChainSettings() throws java.io.IOException {
        return new AuditChainSettings(Duration.ofSeconds(1), 1000, Duration.ofMinutes(1),
                java.nio.file.Files.createTempDirectory("audit-heads"));
    }

    @Bean
    public CallSettings callSettings() {
        return new CallSettings(LANGUAGES);
    }

    @Bean
    public JurisdictionSettings jurisdictionSettings() {
        return new JurisdictionSettings("Testland", "JM", PLACES);
    }

    @Bean
    public ExportSettings exportSettings() {
        return ExportSettings.defaults();
    }

    /** Every retention rule on, at its default period: nothing erases without a test approving a batch. */
    @Bean
    public org.tiphotline.retention.RetentionSettings retentionSettings() {
        return new org.tiphotline.retention.RetentionSettings(
                new org.tiphotline.retention.RetentionSettings.Rule(true, null),
                new org.tiphotline.retention.RetentionSettings.Rule(true, null),
                new org.tiphotline.retention.RetentionSettings.Rule(true, null), Duration.ofHours(24), 5000);
    }

    @Bean
    public RecordedEvents recordedEvents() {
        return new RecordedEvents();
    }
}
