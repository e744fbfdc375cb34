package org.tiphotline.console.database;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The embedded database's three passwords (its superuser, the schema's owner, the application's role), generated
 * once and kept like the data keys: a file readable by the application's user only, next to the key file in the
 * data directory. Anyone who can read it can read the data files too, so it adds no exposure; what it takes away is
 * the password-less local access every other user of the machine had. Never logged.
 */
record DatabasePasswords(String superuser, String owner, String application) {

    static final String SUPERUSER = "postgres";
    static final String OWNER = "hotline_owner";
    static final String APPLICATION = "hotline_app";

    DatabasePasswords {
        for (String password : new String[] {superuser, owner, application}) {
            if (password == null || password.isBlank()) {
                throw new IllegalStateException("the embedded database's password file is incomplete: it needs "
                        + SUPERUSER + ", " + OWNER + " and " + APPLICATION);
            }
        }
    }

    /** Reads the file, creating it with fresh random passwords when it does not exist yet. */
    static DatabasePasswords loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                SecureRandom random = new SecureRandom();
                Properties fresh = new Properties();
                fresh.setProperty(SUPERUSER, random(random));
                fresh.setProperty(OWNER, random(random));
                fresh.setProperty(APPLICATION, random(random));
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    fresh.store(out, "Passwords of the embedded PostgreSQL's roles: keep with the data directory");
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            }
            return new DatabasePasswords(props.getProperty(SUPERUSER), props.getProperty(OWNER),
                    props.getProperty(APPLICATION));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the database password file " + file, e);
        }
    }

    /** Where the passwords are kept when not configured: beside the PostgreSQL data directory (data/postgres). */
    static Path defaultFile(Path dataDirectory) {
        return dataDirectory.toAbsolutePath().normalize().resolveSibling("database-passwords.properties");
    }

    @Override
    public String toString() {
        return "DatabasePasswords[not shown]";
    }

    private static String random(SecureRandom random) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
