package org.tiphotline.console.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The embedded PostgreSQL started again as the application starts it, on the same data and port: a restart. */
public final class DatabaseRestart {

    private DatabaseRestart() {
    }

    public static EmbeddedPostgres start(Path dataDirectory, int port) throws IOException {
        return new EmbeddedDatabase().embeddedPostgres(new EmbeddedDatabaseSettings(dataDirectory, port, 16,
                Duration.ofSeconds(30)));
    }
}
