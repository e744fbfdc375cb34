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
 * to read what they wrote, so keys can rotate) and HMAC keys by id for caller-number matching (one active; an
 * older one is held only while its hashes are recomputed, see {@code protection.rotation}), and the audit key
 * (HMAC) that seals the audit trail ({@link AuditMacs}, {@link AuditSealer}): a key of its own, never a caller-number
 * key, so that rotating those leaves the trail's seals as they are.
 */
public final class KeyRing {

    /** The key file's entry of the audit key. */
    private static final String AUDIT_KEY = "audit-key";

    /** The id of the hash key configured the original way ({@code hash-key}), before hash keys had ids. */
    public static final String FIRST_HASH_KEY = "h1";

    private final Map<String, SecretKey> encryptionKeys;
    private final String activeKeyId;
    private final SecretKey hashKey;
    private final Map<String, SecretKey> hashKeys;
    private final String activeHashKeyId;
    /** Null in a ring built without one (tools that only decrypt, such as the backup drill). */
    private final SecretKey auditKey;

    private KeyRing(Map<String, SecretKey> encryptionKeys, String activeKeyId, Map<String, SecretKey> hashKeys,
            String activeHashKeyId, SecretKey auditKey) {
        if (!encryptionKeys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active key id '" + activeKeyId + "' is not among the configured keys "
                    + encryptionKeys.keySet());
        }
        if (!hashKeys.containsKey(activeHashKeyId)) {
            throw new IllegalArgumentException("active hash key id '" + activeHashKeyId + "' is not among the "
                    + "configured hash keys " + hashKeys.keySet());
        }
        this.encryptionKeys = Map.copyOf(encryptionKeys);
        this.activeKeyId = activeKeyId;
        this.hashKey = hashKeys.get(activeHashKeyId);
        // The active one first: lookups try it first, and it is the one new hashes are made with.
        Map<String, SecretKey> ordered = new LinkedHashMap<>();
        ordered.put(activeHashKeyId, hashKey);
        ordered.putAll(hashKeys);
        this.hashKeys = java.util.Collections.unmodifiableMap(ordered);
        this.activeHashKeyId = activeHashKeyId;
        this.auditKey = auditKey;
    }

    /** The ids of the encryption keys held (never their material), for the administrators' status page. */
    public java.util.SortedSet<String> keyIds() {
        return new java.util.TreeSet<>(encryptionKeys.keySet());
    }

    /**
     * Builds a ring without an audit key, for tools that only read encrypted data (the backup drill): it cannot
     * write or check audit rows ({@link #auditKey()} refuses).
     */
    public static KeyRing of(Map<String, String> base64Keys, String activeKeyId, String base64HashKey) {
        return build(base64Keys, activeKeyId, firstHashKey(base64HashKey), FIRST_HASH_KEY, null);
    }

    /** Builds the ring from base64 key material, as configured for production. */
    public static KeyRing of(Map<String, String> base64Keys, String activeKeyId, String base64HashKey,
            String base64AuditKey) {
        return of(base64Keys, activeKeyId, firstHashKey(base64HashKey), FIRST_HASH_KEY, base64AuditKey);
    }

    /**
     * As {@link #of(Map, String, String)} (no audit key), with hash keys by id: during a rotation of the
     * caller-number hash key the ring holds the old one and the new, active one.
     */
    public static KeyRing of(Map<String, String> base64Keys, String activeKeyId, Map<String, String> base64HashKeys,
            String activeHashKeyId) {
        return build(base64Keys, activeKeyId, base64HashKeys, activeHashKeyId, null);
    }

    /** Builds the ring with hash keys by id and the audit key, as configured for production. */
    public static KeyRing of(Map<String, String> base64Keys, String activeKeyId, Map<String, String> base64HashKeys,
            String activeHashKeyId, String base64AuditKey) {
        if (base64AuditKey == null || base64AuditKey.isBlank()) {
            throw new IllegalArgumentException("no audit key configured: set hotline.protection.audit-key (base64, "
                    + "32 bytes, not the same as any other key)");
        }
        return build(base64Keys, activeKeyId, base64HashKeys, activeHashKeyId, base64AuditKey);
    }

    private static Map<String, String> firstHashKey(String base64HashKey) {
        if (base64HashKey == null || base64HashKey.isBlank()) {
            throw new IllegalArgumentException("no encryption keys configured: set hotline.protection.keys.<id>, "
                    + "hotline.protection.active-key and hotline.protection.hash-key (base64, 32 bytes each)");
        }
        return Map.of(FIRST_HASH_KEY, base64HashKey);
    }

    private static KeyRing build(Map<String, String> base64Keys, String activeKeyId,
            Map<String, String> base64HashKeys, String activeHashKeyId, String base64AuditKey) {
        if (base64Keys == null || base64Keys.isEmpty() || base64HashKeys == null || base64HashKeys.isEmpty()
                || base64HashKeys.values().stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("no encryption keys configured: set hotline.protection.keys.<id>, "
                    + "hotline.protection.active-key and hotline.protection.hash-key (base64, 32 bytes each)");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        base64Keys.forEach((id, material) -> {
            checkId(id);
            keys.put(id, new SecretKeySpec(decode32(material, "key " + id), "AES"));
        });
        Map<String, SecretKey> hashKeys = new LinkedHashMap<>();
        base64HashKeys.forEach((id, material) -> {
            checkId(id);
            hashKeys.put(id, new SecretKeySpec(decode32(material, "hash key " + id), "HmacSHA256"));
        });
        SecretKey audit = null;
        if (base64AuditKey != null) {
            byte[] material = decode32(base64AuditKey, "audit key");
            if (hashKeys.values().stream().anyMatch(h -> java.util.Arrays.equals(material, h.getEncoded()))) {
                throw new IllegalArgumentException("the audit key must not be a hash key: each key has one use");
            }
            audit = new SecretKeySpec(material, "HmacSHA256");
        }
        return new KeyRing(keys, activeKeyId, hashKeys, activeHashKeyId, audit);
    }

    private static void checkId(String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("key id '" + id + "' must be 1-32 letters, digits, '-' or '_'");
        }
    }

    /**
     * Loads the ring from a key file, creating it with fresh random keys when absent, and adding an audit key to a
     * file written before there was one. Meant for the embedded demo run, whose data directory holds both the
     * database and its keys; production configures keys instead.
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
                fresh.setProperty(AUDIT_KEY, randomKey(random));
                write(keyFile, fresh);
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.UTF_8)) {
                props.load(in);
            }
            if (props.getProperty(AUDIT_KEY) == null) {
                // A file from before the audit chain: the other keys stay exactly as they are.
                props.setProperty(AUDIT_KEY, randomKey(new SecureRandom()));
                write(keyFile, props);
            }
            Map<String, String> keys = new LinkedHashMap<>();
            Map<String, String> hashKeys = new LinkedHashMap<>();
            if (props.getProperty("hash-key") != null) {
                hashKeys.put(FIRST_HASH_KEY, props.getProperty("hash-key"));
            }
            for (String name : props.stringPropertyNames()) {
                if (name.startsWith("key.")) {
                    keys.put(name.substring(4), props.getProperty(name));
                } else if (name.startsWith("hash-key.")) {
                    // A rotation adds hash-key.<id> and active-hash-key; the first key stays plain hash-key (h1).
                    String id = name.substring("hash-key.".length());
                    if (hashKeys.containsKey(id)) {
                        throw new IllegalArgumentException("hash key id '" + id + "' is given twice in " + keyFile
                                + " (hash-key is " + FIRST_HASH_KEY + ")");
                    }
                    hashKeys.put(id, props.getProperty(name));
                }
            }
            return of(keys, props.getProperty("active-key"), hashKeys,
                    props.getProperty("active-hash-key", FIRST_HASH_KEY), props.getProperty(AUDIT_KEY));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the key file " + keyFile, e);
        }
    }

    /** Replaces the file whole (a copy next to it, then an atomic rename), readable by its owner alone. */
    private static void write(Path keyFile, Properties keys) throws IOException {
        Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            keys.store(out, "Hotline data keys: losing this file makes the encrypted data unreadable");
        }
        Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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

    /** The hash keys held, the active one first (ids only, for the status page and the rotation). */
    public java.util.List<String> hashKeyIds() {
        return java.util.List.copyOf(hashKeys.keySet());
    }

    /** The id of the hash key new caller-number hashes are made with. */
    public String activeHashKeyId() {
        return activeHashKeyId;
    }

    /** Every hash key held, the active one first: lookups during a rotation try each. */
    java.util.Collection<SecretKey> hashKeys() {
        return hashKeys.values();
    }

    /** The key that seals the audit trail; refuses in a ring built without one. */
    SecretKey auditKey() {
        if (auditKey == null) {
            throw new IllegalStateException("no audit key in this key ring: set hotline.protection.audit-key");
        }
        return auditKey;
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
