package org.tiphotline.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Rewrites history as the schema's owner could in a break-glass procedure, to show that the audit chain names what
 * was done: the one way tests change or delete rows of the append-only audit tables. It switches their append-only
 * triggers off for one transaction (as an owner may), runs the statements, and switches them on again. Today it uses
 * the test database's only user; once the application runs as a role of its own, this is the place that connects as
 * the owner instead.
 */
public final class BreakGlass {

    private BreakGlass() {
    }

    /** Runs {@code statements} in one transaction with the audit tables' append-only triggers off. */
    public static void asOwner(String... statements) {
        try (Connection c = TestDatabase.get().dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("alter table hotline.audit_log disable trigger audit_log_append_only");
                s.execute("alter table hotline.audit_seal disable trigger audit_seal_append_only");
                for (String statement : statements) {
                    s.execute(statement);
                }
                s.execute("alter table hotline.audit_log enable trigger audit_log_append_only");
                s.execute("alter table hotline.audit_seal enable trigger audit_seal_append_only");
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("break-glass statements failed: " + e.getMessage(), e);
        }
    }
}
