package org.tiphotline.console.auditchain;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.tiphotline.console.database.DatabaseAlone;
import org.tiphotline.console.database.ProtectionKeys;
import org.tiphotline.protection.AuditChainCheck;
import org.tiphotline.protection.AuditChainSettings;
import org.tiphotline.protection.AuditHeads;
import org.tiphotline.protection.AuditMacs;

/**
 * {@code java -jar operator-console.jar --hotline.audit-check}: checks the audit trail of the configured database
 * (the embedded one of the demo's data directory when none is configured) against its chain and the heads in
 * {@code hotline.audit.heads-directory}, with the same settings and keys as the nodes, prints the outcome in words
 * and exits: 0 when everything fits, {@link #DOES_NOT_FIT} when something does not (each problem on a line of its
 * own, the first first), 1 when the check could not run. It only reads: no migration, no web server, no phone line,
 * and no audit row of its own (it may run against a restored copy; whoever runs it holds the keys already).
 */
public final class AuditCheckCommand {

    static final String OPTION = "--hotline.audit-check";

    /** Exit status when the trail does not fit. */
    public static final int DOES_NOT_FIT = 4;
    /** Exit status when the check could not run. */
    public static final int FAILED = 1;

    private AuditCheckCommand() {
    }

    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals(OPTION) || a.startsWith(OPTION + "="));
    }

    /** Runs the check; returns the process's exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] springArgs = Arrays.stream(args).filter(a -> !a.startsWith(OPTION)).toArray(String[]::new);
        SpringApplicationBuilder app = new SpringApplicationBuilder(Context.class)
                .sources(DatabaseAlone.configuration()).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false);
        ConfigurableApplicationContext context;
        try {
            context = app.run(springArgs);
        } catch (RuntimeException e) {
            err.println(ProtectionKeys.problem(e).map(p -> "The protection keys could not be loaded: " + p)
                    .orElse("The database could not be reached: " + e.getClass().getSimpleName()
                            + ". Check spring.datasource.url, its user and password."));
            return FAILED;
        }
        try (context) {
            AuditChainCheck.Result result = context.getBean(AuditChainCheck.class).check();
            out.println(result.summary());
            if (!result.intact()) {
                out.println();
                result.findings().forEach(f -> out.println("  - " + f.words()));
                if (result.problems() > result.findings().size()) {
                    out.println("  ... and " + (result.problems() - result.findings().size()) + " more.");
                }
            }
            out.flush();
            return result.intact() ? 0 : DOES_NOT_FIT;
        } catch (RuntimeException e) {
            // The class only: a driver's message could quote what it was reading.
            err.println("The audit trail could not be checked: " + e.getClass().getSimpleName() + ".");
            return FAILED;
        }
    }

    /** The database, the keys and the check; nothing that writes. */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, JooqAutoConfiguration.class})
    @Import({ProtectionKeys.class, AuditMacs.class, AuditHeads.class, AuditChainCheck.class})
    @EnableConfigurationProperties(AuditChainSettings.class)
    static class Context {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }
    }
}
