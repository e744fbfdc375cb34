package org.tiphotline.console;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.tiphotline.console.accounts.BootstrapAdmin;
import org.tiphotline.console.auditchain.AuditCheckCommand;
import org.tiphotline.console.operations.BackupCheck;

/** Starts the hotline: core, telephony adapters found on the classpath, and the console. */
@SpringBootApplication(scanBasePackages = "org.tiphotline")
@ConfigurationPropertiesScan("org.tiphotline")
@EnableScheduling
public class ConsoleApplication {

    public static void main(String[] args) {
        if (BootstrapAdmin.requested(args)) {
            // Creates the first administrator and exits; the console itself does not start.
            System.exit(BootstrapAdmin.run(args, System.out, System.err));
        }
        if (AuditCheckCommand.requested(args)) {
            // Checks the audit trail against its chain and the published heads, prints the outcome and exits.
            System.exit(AuditCheckCommand.run(args, System.out, System.err));
        }
        if (BackupCheck.requested(args)) {
            // Reads a case back for the backup drill (ops/backup/drill.sh) and exits.
            System.exit(BackupCheck.run(args, System.out, System.err));
        }
        SpringApplication.run(ConsoleApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
