package org.tiphotline.console.database;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.tiphotline.protection.KeyRing;

/**
 * Where the keys protecting personal data come from. Configured keys always win. Without them, only the
 * embedded single-machine run may keep generated keys in its data directory, next to the data they protect;
 * with an external database the application refuses to start rather than invent keys nobody backs up.
 *
 * <p>Public so that the commands that run once and exit (the first administrator, the audit check) load the keys
 * exactly as the console does: {@code @Import(ProtectionKeys.class)}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProtectionKeys.Settings.class)
public class ProtectionKeys {

    /**
     * @param keys base64 AES-256 keys by key id
     * @param activeKey the key id new ciphertext is written with
     * @param hashKey base64 HMAC-SHA256 key for caller-number matching
     * @param auditKey base64 HMAC-SHA256 key that seals the audit trail (a key of its own; required with configured
     *        keys, added to the key file of the embedded run)
     * @param keyFile where the embedded run keeps generated keys
     */
    @ConfigurationProperties("hotline.protection")
    record Settings(Map<String, String> keys, String activeKey, String hashKey, String auditKey,
            @DefaultValue("data/keys.properties") Path keyFile) {}

    @Bean
    KeyRing keyRing(Settings settings, ObjectProvider<io.zonky.test.db.postgres.embedded.EmbeddedPostgres> embedded) {
        if (settings.keys() != null && !settings.keys().isEmpty()) {
            return KeyRing.of(settings.keys(), settings.activeKey(), settings.hashKey(), settings.auditKey());
        }
        if (embedded.getIfAvailable() != null) {
            return KeyRing.loadOrCreate(settings.keyFile());
        }
        throw new IllegalStateException("an external database is configured but no encryption keys: set "
                + "hotline.protection.keys.<id>, hotline.protection.active-key, hotline.protection.hash-key and "
                + "hotline.protection.audit-key");
    }

    /**
     * What is wrong with the keys, when {@code failure} (a context that did not start) comes from loading them:
     * the key ring's own words, which name settings and never key material.
     */
    public static Optional<String> problem(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            StackTraceElement[] trace = cause.getStackTrace();
            boolean ours = trace.length > 0 && (trace[0].getClassName().equals(KeyRing.class.getName())
                    || trace[0].getClassName().equals(ProtectionKeys.class.getName()));
            boolean stated = cause instanceof IllegalArgumentException || cause instanceof IllegalStateException;
            if (ours && stated && cause.getMessage() != null) {
                return Optional.of(cause.getMessage());
            }
        }
        return Optional.empty();
    }
}
