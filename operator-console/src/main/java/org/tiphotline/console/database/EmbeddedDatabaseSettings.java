package org.tiphotline.console.database;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param dataDirectory where the embedded PostgreSQL keeps its data; it survives restarts
 * @param port the port it listens on (loopback only); 0 picks a free one
 * @param poolSize the application's connections to it
 * @param connectionTimeout how long a request waits for a connection before it fails (HikariCP's default);
 *     while the database is away, provider reports that fail are kept and stored later ({@code PendingReports})
 * @param passwordFile where its roles' generated passwords are kept (null: {@code database-passwords.properties}
 *     beside the data directory, which is next to the key file)
 */
@ConfigurationProperties("hotline.database.embedded")
record EmbeddedDatabaseSettings(@DefaultValue("data/postgres") Path dataDirectory, @DefaultValue("0") int port,
        @DefaultValue("16") int poolSize, @DefaultValue("30s") Duration connectionTimeout, Path passwordFile) {

    EmbeddedDatabaseSettings {
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("hotline.database.embedded.connection-timeout must be 250ms or more");
        }
        if (poolSize < 2 || poolSize > 200) {
            throw new IllegalArgumentException("hotline.database.embedded.pool-size must be between 2 and 200");
        }
        if (passwordFile == null) {
            passwordFile = DatabasePasswords.defaultFile(dataDirectory);
        }
    }
}
