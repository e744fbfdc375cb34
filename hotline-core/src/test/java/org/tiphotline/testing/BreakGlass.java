package org.tiphotline.testing;

/**
 * Rewrites history as the schema's owner could in the break-glass procedure (docs/operations.md), to show that the
 * audit chain names what was done: the one way tests change or delete rows of the append-only audit tables. It runs
 * as the owner with {@code hotline.break_glass} on for one transaction ({@link TestDatabase#breakGlass}): the
 * append-only triggers stay as they are (switching them off and on again would lose their ALWAYS).
 */
public final class BreakGlass {

    private BreakGlass() {
    }

    /** Runs {@code statements} in one transaction as the owner, past the append-only guards. */
    public static void asOwner(String... statements) {
        // Through JDBC as written: jOOQ's plain SQL would read '?' and braces in the statements as its own syntax.
        TestDatabase.get().breakGlass(owner -> owner.connection(c -> {
            try (java.sql.Statement s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
        }));
    }
}
