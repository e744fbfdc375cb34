package org.tiphotline.console.accounts;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.accounts.AccountRuleBroken;
import org.tiphotline.accounts.FirstAdministrator;
import org.tiphotline.accounts.PasswordHashing;
import org.tiphotline.accounts.PasswordPolicy;
import org.tiphotline.console.database.DatabaseAlone;
import org.tiphotline.console.database.ProtectionKeys;
import org.tiphotline.protection.AuditMacs;
import org.tiphotline.protection.AuditTrail;

/**
 * {@code java -jar operator-console.jar --hotline.bootstrap-admin=NAME}: on a deployment that starts from an empty
 * database, migrates it, creates the first administrator and prints their one-time password to standard output
 * (never to the log), then exits without starting the console, the phone lines or anything else. Refuses, with a
 * non-zero exit, when an enabled administrator already exists.
 */
public final class BootstrapAdmin {

    static final String OPTION = "--hotline.bootstrap-admin";

    /** Exit status when the command refused to run (an administrator exists, a bad name). */
    public static final int REFUSED = 2;
    /** Exit status when the database could not be reached or migrated. */
    public static final int FAILED = 1;

    private BootstrapAdmin() {
    }

    public static boolean requested(String[] args) {
        return username(args).isPresent();
    }

    /** Runs the command; returns the process's exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String username = username(args).orElseThrow();
        SpringApplicationBuilder app = new SpringApplicationBuilder(Context.class)
                .sources(DatabaseAlone.configuration()).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false);
        ConfigurableApplicationContext context;
        try {
            context = app.run(args);
        } catch (RuntimeException e) {
            err.println(ProtectionKeys.problem(e).map(p -> "The protection keys could not be loaded: " + p)
                    .orElse("The database could not be reached or migrated: " + e.getClass().getSimpleName()
                            + ". Check spring.datasource.url, its user and password."));
            return FAILED;
        }
        try (context) {
            String oneTime = context.getBean(FirstAdministrator.class).create(username);
            out.println("Created the administrator '" + username + "'.");
            out.println("One-time password (shown only now; it must be changed at the first sign-in):");
            out.println();
            out.println("    " + oneTime);
            out.println();
            out.println("Start the application without --hotline.bootstrap-admin and sign in.");
            out.flush();
            return 0;
        } catch (AccountRuleBroken refused) {
            err.println("Refused: " + refused.getMessage() + ".");
            return REFUSED;
        }
    }

    private static Optional<String> username(String[] args) {
        return Arrays.stream(args).filter(a -> a.startsWith(OPTION + "=") || a.equals(OPTION))
                .map(a -> a.contains("=") ? a.substring(a.indexOf('=') + 1).strip() : "").findFirst();
    }

    /**
     * The database, its migrations and what creating an account needs, the protection keys included (its audit row
     * carries a MAC under the audit key); no web server, no phone lines.
     */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, FlywayAutoConfiguration.class, JooqAutoConfiguration.class})
    @Import({FirstAdministrator.class, PasswordPolicy.class, AuditTrail.class, AuditMacs.class, ProtectionKeys.class})
    static class Context {

        @Bean
        PasswordEncoder passwordEncoder() {
            return PasswordHashing.encoder();
        }
    }
}
