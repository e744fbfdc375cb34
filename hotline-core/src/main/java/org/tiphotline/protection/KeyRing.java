package org.tiphotline.protection;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that protect personal data: AES-256 keys by id (one active for new ciphertext, older ones kept
 * to read what they wrote, so keys can rotate) and one HMAC key for caller-number matching.
 */
public final class KeyRing {

    private final Map<String, SecretKey> encryptionKeys;
    private final String activeKeyId;
    private final SecretKey hashKey;

    private KeyRing(Map<String, SecretKey> encryptionKeys, String activeKeyId, SecretKey hashKey) {
        if (!encryptionKeys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active key id '" + activeKeyId + "' is not among the configured keys "
                    + encryptionKeys.keySet());
        }
        this.encryptionKeys = Map.copyOf(encryptionKeys);
        this.activeKeyId = activeKeyId;
        this.hashKey = hashKey;
    }

    /** The ids of the encryption keys held (never their material), for the administrators' status page. */
    public java.util.SortedSet<String> keyIds() {
        return new java.util.TreeSet<>(encryptionKeys.keySet());
    }

    /** Builds the ring from base64 key material, as configured for production. */
    public static KeyRing of(Map<String, String> base64Keys, String activeKeyId, String base64HashKey) {
        if (base64Keys == null || base64Keys.isEmpty() || base64HashKey == null || base64HashKey.isBlank()) {
            throw new IllegalArgumentException("no encryption keys configured: set hotline.protection.keys.<id>, "
                    + "hotline.protection.active-key and hotline.protection.hash-key (base64, 32 bytes each)");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        base64Keys.forEach((id, material) -> {
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("key id '" + id + "' must be 1-32 letters, digits, '-' or '_'");
            }
            keys.put(id, new SecretKeySpec(decode32(material, "key " + id), "AES"));
        });
        return new KeyRing(keys, activeKeyId, new SecretKeySpec(decode32(base64HashKey, "hash key"), "HmacSHA256"));
    }

    /**
     * Loads the ring from a key file, creating it with fresh random keys when absent. Meant for the embedded
     * demo run, whose data directory holds both the database and its keys; production configures keys instead.
     */
    public static KeyRing loadOrCreate(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                SecureRandom random = new SecureRandom();
                Properties fresh = new Properties();
                fresh.setProperty("active-key", "k1");
                fresh.setProperty("key.k1", randomKey(random));
                fresh.setProperty("hash-key", randomKey(random));
                Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    fresh.store(out, "Hotline data keys: losing this file makes the encrypted data unreadable");
                }
                Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.UTF_8)) {
                props.load(in);
            }
            Map<String, String> keys = new LinkedHashMap<>();
            for (String name : props.stringPropertyNames()) {
                if (name.startsWith("key.")) {
                    keys.put(name.substring(4), props.getProperty(name));
                }
            }
            return of(keys, props.getProperty("active-key"), props.getProperty("hash-key"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the key file " + keyFile, e);
        }
    }

    /** The id of the key new ciphertext is written with (public: the status page shows it). */
    public String activeKeyId() {
        return activeKeyId;
    }

    SecretKey encryptionKey(String keyId) {
        SecretKey key = encryptionKeys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("ciphertext names key id '" + keyId + "', which is not configured");
        }
        return key;
    }

    SecretKey hashKey() {
        return hashKey;
    }

    private static String randomKey(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode32(String base64, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(what + " must be 32 bytes, is " + bytes.length);
        }
        return bytes;
    }
}
