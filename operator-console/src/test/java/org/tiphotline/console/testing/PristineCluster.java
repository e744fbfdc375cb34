package org.tiphotline.console.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.tiphotline.console.database.DatabaseRestart;

/**
 * One freshly initialised PostgreSQL cluster per test JVM, copied into each new node's empty data directory before
 * it starts. initdb costs about a second on these machines and the suite starts some two hundred fresh nodes; a
 * copy of the same 40 MB costs a tenth of that. The application cannot tell the difference: the embedded database
 * runs initdb only when the directory has no {@code postgresql.conf} (the library's rule), and what it finds
 * instead is exactly what its own first start left there (initdb with passwords, its roles and their passwords in
 * the password file copied along), started and stopped once cleanly. Every node of a JVM so shares its
 * passwords: fine for tests, whose databases hold only fake data.
 */
final class PristineCluster {

    private static Path template;
    private static Path templatePasswords;

    private PristineCluster() {}

    /**
     * Fills {@code postgresDir} with a pristine cluster, and {@code passwordFile} with its passwords, unless it
     * already holds one (a restart on its data).
     */
    static synchronized void copyInto(Path postgresDir, Path passwordFile) {
        if (Files.exists(postgresDir.resolve("postgresql.conf"))) {
            return;
        }
        try {
            if (template == null) {
                template = create();
            }
            Files.createDirectories(passwordFile.toAbsolutePath().getParent());
            Files.copy(templatePasswords, passwordFile, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            Files.createDirectories(postgresDir);
            try (Stream<Path> files = Files.walk(template)) {
                for (Path from : (Iterable<Path>) files::iterator) {
                    Path to = postgresDir.resolve(template.relativize(from).toString());
                    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
            // PostgreSQL refuses a data directory others can read; createDirectories made it with the default mode.
            Files.setPosixFilePermissions(postgresDir, Files.getPosixFilePermissions(template));
        } catch (IOException e) {
            throw new UncheckedIOException("copying the pristine PostgreSQL cluster into " + postgresDir, e);
        }
    }

    private static Path create() throws IOException {
        Path root = Files.createTempDirectory("pristine-postgres");
        Path dir = root.resolve("postgres");
        templatePasswords = root.resolve("database-passwords.properties");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
        try (EmbeddedPostgres started = DatabaseRestart.start(dir, 0, templatePasswords)) {
            started.getPort();
        }
        // The template's last command line (its port), which pg_ctl would reuse; no copy should start with it.
        Files.deleteIfExists(dir.resolve("postmaster.opts"));
        return dir;
    }

    private static void delete(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
