package org.tiphotline.console.operations;

import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.registry.Registry;

/**
 * {@code java -jar tiphotline.jar --hotline.backup-check[=C-2026-000123] --hotline.backup-check.salt=HEX}: the backup
 * drill's reading of a case (ops/backup/drill.sh). Against the configured database (a restored copy, or the source
 * before the dump) it finds the case (the newest when none is named), decrypts its personal fields and those of the
 * reports it came from with the configured keys (AES-GCM: a wrong key or a damaged byte fails, it cannot decrypt to
 * something else), and prints one line: {@code CASE <reference> <fingerprint> <fields decrypted>}. The fingerprint
 * is an HMAC of the decrypted text under the drill's one-time salt, so the same case read before the dump and after
 * the restore can be compared without a word of it leaving the process. Reads only: no migration, no audit row, no
 * web server, no phone line. Exit status 0 when read, {@link #NO_CASE} when there is no such case, 1 on failure.
 */
public final class BackupCheck {

    static final String OPTION = "--hotline.backup-check";
    private static final String SALT = OPTION + ".salt=";
    public static final int NO_CASE = 3;

    private BackupCheck() {
    }

    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals(OPTION) || a.startsWith(OPTION + "="));
    }

    /** Runs the check; returns the process's exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Optional<String> wanted = Arrays.stream(args).filter(a -> a.startsWith(OPTION + "=")).findFirst()
                .map(a -> a.substring(OPTION.length() + 1).strip()).filter(s -> !s.isEmpty());
        byte[] salt = Arrays.stream(args).filter(a -> a.startsWith(SALT)).findFirst()
                .map(a -> HexFormat.of().parseHex(a.substring(SALT.length()))).orElseGet(() -> {
                    byte[] random = new byte[16];
                    new SecureRandom().nextBytes(random);
                    return random;
                });
        String[] springArgs = Arrays.stream(args).filter(a -> !a.startsWith(OPTION)).toArray(String[]::new);
        SpringApplicationBuilder app = new SpringApplicationBuilder(Context.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false);
        try (ConfigurableApplicationContext context = app.run(springArgs)) {
            Binder binder = Binder.get(context.getEnvironment());
            Map<String, String> keys = binder.bind("hotline.protection.keys", Bindable.mapOf(String.class,
                    String.class)).orElse(Map.of());
            if (keys.isEmpty()) {
                err.println("No protection keys configured (hotline.protection.keys.<id>): the drill reads with the "
                        + "production keys, from the same settings as the nodes.");
                return 1;
            }
            // Hash keys as the nodes read them (h1 plus any added by a rotation): the drill only decrypts, but the
            // ring wants the hash keys the nodes hold.
            Map<String, String> hashKeys = new java.util.LinkedHashMap<>();
            binder.bind("hotline.protection.hash-key", String.class)
                    .ifBound(k -> hashKeys.put(KeyRing.FIRST_HASH_KEY, k));
            hashKeys.putAll(binder.bind("hotline.protection.hash-keys", Bindable.mapOf(String.class, String.class))
                    .orElse(Map.of()));
            FieldCipher cipher = new FieldCipher(KeyRing.of(keys,
                    binder.bind("hotline.protection.active-key", String.class).orElse(null), hashKeys,
                    binder.bind("hotline.protection.active-hash-key", String.class).orElse(KeyRing.FIRST_HASH_KEY)));
            return read(context.getBean(DSLContext.class), cipher, wanted, salt, out, err);
        } catch (RuntimeException e) {
            // The class only: a driver's or cipher's message could quote what it was reading.
            err.println("The case could not be read: " + e.getClass().getSimpleName()
                    + ". Check spring.datasource.url, its user and password, and the protection keys.");
            return 1;
        }
    }

    private static int read(DSLContext db, FieldCipher cipher, Optional<String> wanted, byte[] salt, PrintStream out,
            PrintStream err) {
        Optional<Record> found = db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE, REGISTRY_CASE.PERSONAL_ENC)
                .from(REGISTRY_CASE)
                .where(wanted.map(REGISTRY_CASE.REFERENCE::eq).orElse(org.jooq.impl.DSL.trueCondition()))
                .orderBy(REGISTRY_CASE.CREATED_AT.desc(), REGISTRY_CASE.ID.desc()).limit(1).fetchOptional()
                .map(r -> (Record) r);
        if (found.isEmpty()) {
            err.println(wanted.map(w -> "No case " + w + " in this database.").orElse("No case in this database."));
            return NO_CASE;
        }
        UUID id = found.get().get(REGISTRY_CASE.ID);
        List<String> plain = new ArrayList<>();
        plain.add(cipher.decrypt(found.get().get(REGISTRY_CASE.PERSONAL_ENC), Registry.personalBoundTo(id)));
        // Each source report's personal fields, bound as each channel binds them ("<table>.personal:<row id>").
        for (Record source : db.select(CASE_SOURCE.HOTLINE_REPORT_ID, CASE_SOURCE.ONLINE_REPORT_ID,
                CASE_SOURCE.SCREENING_REPORT_ID).from(CASE_SOURCE).where(CASE_SOURCE.CASE_ID.eq(id)).fetch()) {
            if (source.get(CASE_SOURCE.HOTLINE_REPORT_ID) instanceof UUID report) {
                plain.add(cipher.decrypt(db.select(HOTLINE_REPORT.PERSONAL_ENC).from(HOTLINE_REPORT)
                        .where(HOTLINE_REPORT.ID.eq(report)).fetchSingle().value1(), "hotline_report.personal:" + report));
            }
            if (source.get(CASE_SOURCE.ONLINE_REPORT_ID) instanceof UUID report) {
                plain.add(cipher.decrypt(db.select(ONLINE_REPORT.PERSONAL_ENC).from(ONLINE_REPORT)
                        .where(ONLINE_REPORT.ID.eq(report)).fetchSingle().value1(), "online_report.personal:" + report));
            }
            if (source.get(CASE_SOURCE.SCREENING_REPORT_ID) instanceof UUID report) {
                plain.add(cipher.decrypt(db.select(SCREENING_REPORT.PERSONAL_ENC).from(SCREENING_REPORT)
                        .where(SCREENING_REPORT.ID.eq(report)).fetchSingle().value1(),
                        "screening_report.personal:" + report));
            }
        }
        long decrypted = plain.stream().filter(p -> p != null).count();
        out.println("CASE " + found.get().get(REGISTRY_CASE.REFERENCE) + " " + fingerprint(salt, plain) + " "
                + decrypted);
        out.flush();
        return 0;
    }

    private static String fingerprint(byte[] salt, List<String> plain) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            for (String p : plain) {
                mac.update((p == null ? "\u0000" : p + "\u0001").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The database and jOOQ only. */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, JooqAutoConfiguration.class})
    static class Context {
    }
}
