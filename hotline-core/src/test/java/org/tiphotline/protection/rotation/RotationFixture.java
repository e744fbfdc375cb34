package org.tiphotline.protection.rotation;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.TestDatabase;

/**
 * A PostgreSQL of the rotation tests' own (a rotation walks every row of every table: on the JVM's shared test
 * database it would move other tests' rows to keys their contexts do not hold), and the core's services on it
 * under a key ring of the test's choosing, as a node configured with those keys would run them.
 */
final class RotationFixture implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;

    RotationFixture() {
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        // The roles as TestDatabase makes them: the rotation runs as the application's role, which owns nothing and
        // may not rewrite the evidence tables (a ciphertext in one of them must still move to the new key: V66).
        TestDatabase.prepare(postgres, 2, "rotation-test-owner").close();
        dataSource = TestDatabase.pool(postgres, TestDatabase.APPLICATION, 12, "rotation-test-db");
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** The ring every other test runs with: AES key k1, hash key h1. */
    static KeyRing before() {
        return FakeData.keyRing();
    }

    /** After an administrator added k2 and h2 and made them active, the old keys still held. */
    static KeyRing during() {
        return ring("k2", "h2", "k1", "k2", "h1", "h2");
    }

    /** After the old keys were retired. */
    static KeyRing retired() {
        return ring("k2", "h2", "k2", "h2");
    }

    /** Keys by id; the same id always has the same material, as in FakeData (h1 is FakeData's hash key). */
    static KeyRing ring(String activeKey, String activeHashKey, String... ids) {
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, String> hashKeys = new LinkedHashMap<>();
        for (String id : ids) {
            if (id.startsWith("h")) {
                hashKeys.put(id, FakeData.testKey(id.equals("h1") ? "hash" : "hash " + id));
            } else {
                keys.put(id, FakeData.testKey("encryption " + id));
            }
        }
        // The audit key as FakeData's: it stays through a rotation of the data keys.
        return KeyRing.of(keys, activeKey, hashKeys, activeHashKey, FakeData.testKey("audit"));
    }

    /** The core's services on this database with these keys. Close it after use. */
    AnnotationConfigApplicationContext node(KeyRing keys) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(CoreTestConfiguration.class);
        // Once the configuration's beans are defined, its key ring and database are swapped for these. The data
        // source is wrapped: closing a node must not close the database the next node uses.
        DataSource shared = new DelegatingDataSource(dataSource);
        context.registerBean("rotationFixtureBeans", BeanDefinitionRegistryPostProcessor.class,
                () -> new BeanDefinitionRegistryPostProcessor() {
                    @Override
                    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                        registry.removeBeanDefinition("keyRing");
                        registry.registerBeanDefinition("keyRing",
                                new RootBeanDefinition(KeyRing.class, () -> keys));
                        registry.removeBeanDefinition("dataSource");
                        registry.registerBeanDefinition("dataSource",
                                new RootBeanDefinition(DataSource.class, () -> shared));
                    }

                    @Override
                    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
                    }
                });
        context.refresh();
        return context;
    }

    /**
     * Stores calls from fake numbers as the switchboard would under {@code keys} (ciphertext bound to the row, the
     * keyed hash), many at once: {@code numbers} gets each call's id and number.
     */
    void seedCalls(KeyRing keys, int count, Map<UUID, String> numbers) {
        FieldCipher cipher = new FieldCipher(keys);
        CallerNumbers hashes = new CallerNumbers(keys);
        String sql = "insert into hotline.call (id, provider, provider_call_id, caller_number_enc, caller_hash, "
                + "caller_mask, dialled_number, arrived_at, state, last_seq) values (?, 'sim', ?, ?, ?, ?, ?, ?, "
                + "'IVR', 0)";
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            Timestamp at = Timestamp.from(Instant.parse("2025-01-01T00:00:00Z"));
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                String number = CallerNumbers.normalise(fakeNumber(i));
                insert.setObject(1, id);
                insert.setString(2, "seed-" + id);
                insert.setBytes(3, cipher.encrypt(number, "call.caller_number:" + id));
                insert.setBytes(4, hashes.hash(number));
                insert.setString(5, CallerNumbers.mask(number));
                insert.setString(6, FakeData.HOTLINE_NUMBER);
                insert.setTimestamp(7, at);
                insert.addBatch();
                numbers.put(id, number);
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("seeding calls failed", e);
        }
    }

    /**
     * A fictional number: 555-01xx in area codes 200-999, as 555-0100 to 555-0199 are reserved for fiction in
     * every North American area code. 80,000 different callers, then they call again.
     */
    static String fakeNumber(int i) {
        return String.format("+1 (%03d) 555-01%02d", 200 + (i / 100) % 800, i % 100);
    }

    @Override
    public void close() throws IOException {
        dataSource.close();
        postgres.close();
    }
}
