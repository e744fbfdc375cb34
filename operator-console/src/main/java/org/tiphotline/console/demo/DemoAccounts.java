package org.tiphotline.console.demo;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.tiphotline.console.database.NoExternalDatabase;
import org.tiphotline.escalation.Directory;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;

/**
 * Creates the demo accounts listed in the README on the embedded database, once. They exist so a newcomer
 * can try the whole flow; a deployment with an external database never gets them.
 */
@Component
@Conditional(NoExternalDatabase.class)
@ConditionalOnProperty(prefix = "hotline.demo", name = "accounts", havingValue = "true", matchIfMissing = true)
// Before the demo's retention batch, which is a draft of the demo operator's.
@org.springframework.core.annotation.Order(1)
class DemoAccounts implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoAccounts.class);

    private record Account(String username, String displayName, Role role, List<String> languages) {}

    private static final List<Account> ACCOUNTS = List.of(
            new Account("operator", "Demo Operator One", Role.OPERATOR, List.of("en", "es")),
            new Account("operator2", "Demo Operator Two", Role.OPERATOR, List.of("en")),
            new Account("supervisor", "Demo Supervisor", Role.SUPERVISOR, List.of("en")),
            new Account("datamanager", "Demo Data Manager", Role.DATA_MANAGER, List.of("en")),
            new Account("leader", "Demo Data Management Leader", Role.DATA_MANAGEMENT_LEADER, List.of("en")),
            new Account("reporter", "Demo Agency Reporter (school nurse)", Role.AGENCY_REPORTER, List.of("en")),
            new Account("admin", "Demo Administrator", Role.ADMIN, List.of()),
            new Account("wallboard", "Demo Wall Display", Role.WALLBOARD, List.of()),
            new Account("auditor", "Demo Auditor", Role.AUDITOR, List.of()));

    private final Operators operators;
    private final PasswordEncoder passwords;
    private final Directory directory;

    DemoAccounts(Operators operators, PasswordEncoder passwords, Directory directory) {
        this.operators = operators;
        this.passwords = passwords;
        this.directory = directory;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Account a : ACCOUNTS) {
            if (!operators.exists(a.username())) {
                operators.create(a.username(), a.displayName(), passwords.encode(a.username() + "-demo"), a.role(),
                        a.languages(), null);
                log.info("created demo account '{}' (password '{}-demo')", a.username(), a.username());
            }
        }
        // One liaison per agency of the directory, when there is one (the demo profile has a fake directory).
        for (Directory.Agency agency : directory.agencies()) {
            String username = agency.id().replace("demo-", "").replace("-", "");
            if (!operators.exists(username)) {
                operators.createLiaison(username, agency.name() + " liaison", passwords.encode(username + "-demo"),
                        agency.id());
                log.info("created demo liaison account '{}' (password '{}-demo') for {}", username, username,
                        agency.id());
            }
        }
    }
}
