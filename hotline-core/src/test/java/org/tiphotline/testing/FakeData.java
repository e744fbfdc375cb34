package org.tiphotline.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.tiphotline.calls.CallRef;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.KeyRing;

/**
 * Obviously fake values for fixtures: 555-0100-range phone numbers, "Fakename" people, test-only keys.
 * Never put anything here that could be a real person's data.
 */
public final class FakeData {

    /** The hotline's own (fake) number, as dialled. */
    public static final String HOTLINE_NUMBER = "+1-555-0100";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private FakeData() {
    }

    /** "+1 (555) 010-01nn": a fictional 555-0100-range number, written the way a provider might send it. */
    public static String phone(int n) {
        if (n < 0 || n > 99) {
            throw new IllegalArgumentException("0..99");
        }
        return String.format("+1 (555) 010-01%02d", n);
    }

    /** A provider call reference that no other test uses. */
    public static CallRef newCallRef() {
        return new CallRef("sim", "test-call-" + UUID.randomUUID());
    }

    /** A unique user name matching the app_user rules. */
    public static String username(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stores a user with a unique user name and the display name "Testfirst Fakename-…". */
    public static Operator user(Operators operators, Role role, String... languages) {
        String username = username(role.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return operators.create(username, "Testfirst Fakename-" + username, "{noop}not-a-real-hash", role,
                List.of(languages), null);
    }

    /** A liaison user of the agency, with a fake display name. */
    public static Operator liaison(Operators operators, String agency) {
        String username = username("liaison");
        return operators.createLiaison(username, "Testliaison Fakename-" + username, "{noop}not-a-real-hash", agency);
    }

    public static Actor actor(Operator user) {
        return new Actor(user.id(), user.username(), user.role());
    }

    /**
     * A key ring with deterministic, test-only keys: {@code active} encrypts, all of {@code keyIds} decrypt; the
     * audit key is {@code testKey("audit")}.
     */
    public static KeyRing keyRing(String active, String... keyIds) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String id : keyIds) {
            keys.put(id, testKey("encryption " + id));
        }
        return KeyRing.of(keys, active, testKey("hash"), testKey("audit"));
    }

    public static KeyRing keyRing() {
        return keyRing("k1", "k1");
    }

    /** 32 bytes derived from a label, base64: stable across runs, useless outside tests. */
    public static String testKey(String label) {
        try {
            byte[] bytes = MessageDigest.getInstance("SHA-256")
                    .digest(("tiphotline test key: " + label).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
