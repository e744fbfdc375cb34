package org.tiphotline.console.database;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.tiphotline.protection.KeyRing;

/**
 * Where the keys protecting personal data come from. Configured keys always win. Without them, only the
 * embedded single-machine run may keep generated keys in its data directory, next to the data they protect;
 * with an external database the application refuses to start rather than invent keys nobody backs up.
 */
@Configuration(proxyBeanMethods = false)
class ProtectionKeys {

    /**
     * @param keys base64 AES-256 keys by key id
     * @param activeKey the key id new ciphertext is written with
     * @param hashKey base64 HMAC-SHA256 key for caller-number matching
     * @param keyFile where the embedded run keeps generated keys
     */
    @ConfigurationProperties("hotline.protection")
    record Settings(Map<String, String> keys, String activeKey, String hashKey,
            @DefaultValue("data/keys.properties") Path keyFile) {}

    @Bean
    KeyRing keyRing(Settings settings, ObjectProvider<io.zonky.test.db.postgres.embedded.EmbeddedPostgres> embedded) {
        if (settings.keys() != null && !settings.keys().isEmpty()) {
            return KeyRing.of(settings.keys(), settings.activeKey(), settings.hashKey());
        }
        if (embedded.getIfAvailable() != null) {
            return KeyRing.loadOrCreate(settings.keyFile());
        }
        throw new IllegalStateException("an external database is configured but no encryption keys: set "
                + "hotline.protection.keys.<id>, hotline.protection.active-key and hotline.protection.hash-key");
    }
}
