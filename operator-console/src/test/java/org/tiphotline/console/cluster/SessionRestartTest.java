package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.SIGN_IN_EVENT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestClock;

/**
 * A single node keeps its sessions in its database, so a signed-in operator is still signed in after a restart; the
 * session limits are kept with the session and go on counting across it, so a restart extends nothing.
 */
class SessionRestartTest {

    @TempDir
    Path data;

    @Test
    void aSessionOutlivesARestartButNotItsAbsoluteLimit() {
        TestClock clock = new TestClock();
        Map<String, String> limits = Map.of("hotline.sessions.idle", "30m", "hotline.sessions.absolute", "2h");
        ConsoleClient operator;
        try (RunningHotline before = RunningHotline.start(data, limits, clock)) {
            operator = ConsoleClient.login(before.base(), "operator2", "operator2-demo");
            assertThat(operator.get("/api/me").status()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(20));
        try (RunningHotline after = RunningHotline.start(data, limits, clock)) {
            ConsoleClient same = operator.onNode(after.base());
            assertThat(same.get("/api/me").status()).as("still signed in after the restart").isEqualTo(200);
            // Requests every 25 minutes keep it from idling: 20 + 3 x 25 = 95 minutes after the sign-in.
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMinutes(25));
                assertThat(same.get("/api/me").status()).isEqualTo(200);
            }
            clock.advance(Duration.ofMinutes(25));
            assertThat(same.get("/api/me").status()).as("2 h after the sign-in, restart or not").isEqualTo(401);
            assertThat(after.bean(DSLContext.class).select(SIGN_IN_EVENT.OUTCOME).from(SIGN_IN_EVENT)
                    .where(SIGN_IN_EVENT.USERNAME.eq("operator2")).orderBy(SIGN_IN_EVENT.ID.desc()).limit(1)
                    .fetchOne(SIGN_IN_EVENT.OUTCOME)).isEqualTo("SESSION_LIMIT");
        }
    }
}
