package org.tiphotline.console.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The embedded PostgreSQL started again as the application starts it, on the same data and port: a restart. */
public final class DatabaseRestart {

    private DatabaseRestart() {
    }

    /** With its passwords where the application keeps them by default: beside the data directory. */
    public static EmbeddedPostgres start(Path dataDirectory, int port) throws IOException {
        return start(dataDirectory, port, null);
    }

    /** With its passwords in {@code passwordFile} (null: beside the data directory). */
    public static EmbeddedPostgres start(Path dataDirectory, int port, Path passwordFile) throws IOException {
        return new EmbeddedDatabase().embeddedPostgres(new EmbeddedDatabaseSettings(dataDirectory, port, 16,
                Duration.ofSeconds(30), passwordFile));
    }
}
