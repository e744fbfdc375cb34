package org.tiphotline.console.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.protection.rotation.CallerHashRotation;
import org.tiphotline.protection.rotation.KeyRotation;

/**
 * Where the keys protecting personal data come from. Configured keys always win. Without them, only the
 * embedded single-machine run may keep generated keys in its data directory, next to the data they protect (and
 * says so in its log: a copy of that directory decrypts everything); with an external database the application
 * refuses to start rather than invent keys nobody backs up, and refuses keys read from a file inside the
 * database's or the application's data directory. A start whose stored rows name a key it does not hold stops
 * before it serves anything, naming the key and the tables.
 *
 * <p>Public so that the commands that run once and exit (the first administrator, the audit check) load the keys
 * exactly as the console does: {@code @Import(ProtectionKeys.class)}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProtectionKeys.Settings.class)
public class ProtectionKeys {

    private static final Logger log = LoggerFactory.getLogger(ProtectionKeys.class);

    /**
     * @param keys base64 AES-256 keys by key id
     * @param activeKey the key id new ciphertext is written with
     * @param hashKey base64 HMAC-SHA256 key for caller-number matching (hash key id {@code h1})
     * @param hashKeys further hash keys by id, during and after a rotation of the hash key
     * @param activeHashKey the hash key id new hashes are made with ({@code h1} unless set)
     * @param auditKey base64 HMAC-SHA256 key that seals the audit trail (a key of its own; required with configured
     *        keys, added to the key file of the embedded run)
     * @param keyFile where the embedded run keeps generated keys
     */
    @ConfigurationProperties("hotline.protection")
    record Settings(Map<String, String> keys, String activeKey, String hashKey, Map<String, String> hashKeys,
            String activeHashKey, String auditKey, @DefaultValue("data/keys.properties") Path keyFile) {}

    @Bean
    KeyRing keyRing(Settings settings, ObjectProvider<io.zonky.test.db.postgres.embedded.EmbeddedPostgres> embedded,
            ConfigurableEnvironment environment, ObjectProvider<DataSource> dataSource) {
        boolean external = embedded.getIfAvailable() == null;
        if (settings.keys() != null && !settings.keys().isEmpty()) {
            if (external) {
                Map<String, Path> dataDirectories = new LinkedHashMap<>();
                dataDirectories.put("the application's data directory (hotline.data-dir)",
                        Path.of(environment.getProperty("hotline.data-dir", "data")));
                databaseDirectory(dataSource.getIfAvailable())
                        .ifPresent(d -> dataDirectories.put("the database's data directory", d));
                refuseKeysInside(keySources(settings, environment), dataDirectories);
            }
            Map<String, String> hashKeys = new LinkedHashMap<>();
            if (settings.hashKey() != null) {
                hashKeys.put(KeyRing.FIRST_HASH_KEY, settings.hashKey());
            }
            if (settings.hashKeys() != null) {
                hashKeys.putAll(settings.hashKeys());
            }
            return KeyRing.of(settings.keys(), settings.activeKey(), hashKeys,
                    settings.activeHashKey() == null ? KeyRing.FIRST_HASH_KEY : settings.activeHashKey(),
                    settings.auditKey());
        }
        if (!external) {
            log.warn("The keys protecting personal data are kept in {}, inside the data directory next to the "
                    + "database: a copy of the data directory decrypts everything. That is for the demo and a single "
                    + "machine only; production uses an external database and keys kept apart from it "
                    + "(docs/operations.md, Keys).", settings.keyFile().toAbsolutePath());
            return KeyRing.loadOrCreate(settings.keyFile());
        }
        throw new IllegalStateException("an external database is configured but no encryption keys: set "
                + "hotline.protection.keys.<id>, hotline.protection.active-key, hotline.protection.hash-key and "
                + "hotline.protection.audit-key");
    }

    /** Stops the start when stored rows need a key this configuration does not hold (a key retired too soon). */
    @Bean
    SmartInitializingSingleton keysInUseCheck(ObjectProvider<KeyRotation> rotation,
            ObjectProvider<CallerHashRotation> hashes) {
        return () -> {
            List<String> problems = new ArrayList<>();
            KeyRotation aes = rotation.getIfAvailable();
            if (aes != null) {
                aes.missingKeys().forEach((key, where) -> problems.add("key " + key + " (still used by " + where
                        .entrySet().stream().map(e -> e.getValue() + " rows of " + e.getKey()).toList() + ")"));
            }
            CallerHashRotation hash = hashes.getIfAvailable();
            if (hash != null) {
                problems.addAll(hash.missingKeys());
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("Stored data needs protection keys this configuration does not hold: "
                        + String.join("; ", problems) + ". Put the key(s) back (hotline.protection.keys.<id>, "
                        + "hotline.protection.hash-keys.<id>, or the key file) and start again; retire a key only "
                        + "once the status page says no row uses it.");
            }
        };
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

    /** Which file (if any) each configured key property was read from; environment and arguments have none. */
    static Map<String, Path> keySources(Settings settings, ConfigurableEnvironment environment) {
        List<String> names = new ArrayList<>();
        settings.keys().keySet().forEach(id -> names.add("hotline.protection.keys." + id));
        names.add("hotline.protection.hash-key");
        names.add("hotline.protection.audit-key");
        if (settings.hashKeys() != null) {
            settings.hashKeys().keySet().forEach(id -> names.add("hotline.protection.hash-keys." + id));
        }
        Map<String, Path> sources = new LinkedHashMap<>();
        for (String name : names) {
            for (PropertySource<?> source : environment.getPropertySources()) {
                // Spring's view over all the others: the file is found through the source that holds the value.
                if ("configurationProperties".equals(source.getName()) || !source.containsProperty(name)) {
                    continue;
                }
                Origin origin = OriginLookup.getOrigin(source, name);
                while (origin != null && !(origin instanceof TextResourceOrigin)) {
                    origin = origin.getParent();
                }
                if (origin instanceof TextResourceOrigin text && text.getResource() != null
                        && text.getResource().isFile()) {
                    try {
                        sources.put(name, text.getResource().getFile().toPath());
                    } catch (IOException e) {
                        log.debug("no file behind {}: {}", name, e.toString());
                    }
                }
                break;
            }
        }
        return sources;
    }

    /**
     * Refuses keys read from a file inside one of {@code dataDirectories}: whoever copies that directory (a backup,
     * a disk image, a stolen volume) would hold the data and the keys to it together.
     */
    static void refuseKeysInside(Map<String, Path> keySources, Map<String, Path> dataDirectories) {
        keySources.forEach((property, file) -> dataDirectories.forEach((what, directory) -> {
            if (canonical(file).startsWith(canonical(directory))) {
                throw new IllegalStateException(property + " is read from " + file.toAbsolutePath() + ", inside "
                        + what + " " + directory.toAbsolutePath() + ": a copy of that directory would decrypt "
                        + "everything. Keep the keys apart from the data (a secret store, environment variables, or a "
                        + "file outside every data directory; docs/operations.md, Keys) and start again.");
            }
        }));
    }

    private static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return Files.exists(absolute) ? absolute.toRealPath() : absolute;
        } catch (IOException e) {
            return absolute;
        }
    }

    /** Where the database keeps its files, if it says (it needs a role allowed to read server settings). */
    private static java.util.Optional<Path> databaseDirectory(DataSource dataSource) {
        if (dataSource == null) {
            return java.util.Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("show data_directory")) {
            return r.next() ? java.util.Optional.of(Path.of(r.getString(1))) : java.util.Optional.empty();
        } catch (Exception e) {
            log.info("the database did not say where its data directory is ({}): keys are checked against the "
                    + "application's data directory only", e.getClass().getSimpleName());
            return java.util.Optional.empty();
        }
    }
}
