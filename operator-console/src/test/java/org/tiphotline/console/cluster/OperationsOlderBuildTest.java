package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The rolling upgrade's first rule (docs/operations.md): a node of the older build, restarting while the newer
 * build has already migrated the shared database, starts and serves. Here the newer build is played by a migration
 * this build does not have (an added column and table, the expand step), applied with Flyway as the newer node's
 * start applies it; this build then starts a node on that database. The same start with future migrations not
 * ignored fails, so the setting is what lets it through.
 */
class OperationsOlderBuildTest {

    @TempDir
    Path first;
    @TempDir
    Path second;
    @TempDir
    Path third;
    @TempDir
    Path newerMigrations;

    @Test
    void aNodeOfThisBuildStartsOnADatabaseANewerBuildHasMigrated() throws Exception {
        try (RunningHotline a = RunningHotline.start(first, Map.of("hotline.cluster.node", "first"))) {
            Map<String, String> shared = a.sharedDatabaseSettings();
            Files.writeString(newerMigrations.resolve("V9000__a_newer_build_expands.sql"), """
                    alter table call add column newer_build_note text;
                    create table newer_build_thing (id bigint primary key);
                    """);
            // A newer build migrates as the schema's owner, as this one does.
            Flyway newer = Flyway.configure()
                    .dataSource(shared.get("spring.datasource.url"), shared.get("spring.flyway.user"),
                            shared.get("spring.flyway.password"))
                    .schemas("hotline").defaultSchema("hotline")
                    .placeholders(Map.of("application_role", shared.get("spring.datasource.username")))
                    .locations("classpath:db/migration", "filesystem:" + newerMigrations).load();
            assertThat(newer.migrate().migrationsExecuted).as("the newer build's migration").isEqualTo(1);

            try (RunningHotline b = RunningHotline.secondNode(a, second, Map.of())) {
                MigrationInfo[] seen = b.bean(Flyway.class).info().all();
                assertThat(Arrays.stream(seen)
                        .filter(m -> m.getVersion() != null && m.getVersion().getVersion().equals("9000")))
                        .as("this build sees the newer migration as a future one").singleElement()
                        .extracting(MigrationInfo::getState).isEqualTo(MigrationState.FUTURE_SUCCESS);
                ConsoleClient operator = ConsoleClient.login(b.base(), "operator", "operator-demo");
                assertThat(operator.get("/api/me").status()).as("the older node serves").isEqualTo(200);
            }

            Map<String, String> strict = Map.of("spring.flyway.ignore-migration-patterns", "*:missing",
                    "hotline.cluster.node", "third");
            assertThatThrownBy(() -> RunningHotline.secondNode(a, third, strict).close())
                    .as("not ignoring future migrations, the same start fails").hasStackTraceContaining("9000");
        }
    }
}
