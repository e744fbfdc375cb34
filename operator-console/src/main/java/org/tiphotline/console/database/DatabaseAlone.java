package org.tiphotline.console.database;

/**
 * The database configuration without the rest of the application, for commands that run once and exit (the
 * first administrator): the embedded PostgreSQL when no external one is configured, exactly as the console runs
 * it, and the roles its migrations grant to.
 */
public final class DatabaseAlone {

    private DatabaseAlone() {
    }

    public static Class<?>[] configuration() {
        return new Class<?>[] {EmbeddedDatabase.class, DatabaseRoles.class};
    }
}
