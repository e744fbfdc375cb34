package org.tiphotline.console.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** The watch over caller numbers sees what it must, including after the application reset logging. */
class NumberWatchTest {

    @TempDir
    static Path data;
    static RunningHotline hotline;

    @BeforeAll
    static void start() {
        hotline = RunningHotline.start(data, Map.of("spring.profiles.active", "demo"));
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    @Test
    void aNumberInAnyFormatIsSeenAndAMaskIsNot() {
        NumberWatch.callerNumber("+1 (555) 010-0163");
        NumberWatch.received("masked", "{\"callerMask\":\"+1 555 ••• ••63\"}");
        NumberWatch.received("other digits", "{\"id\":\"5550100168\",\"n\":\"55501001639\"}");
        assertThat(NumberWatch.takeLeaks()).isEmpty();
        NumberWatch.received("compact", "{\"n\":\"+15550100163\"}");
        NumberWatch.received("spaced", "<td>555 010 0163</td>");
        NumberWatch.received("national", "call 5550100163 back");
        assertThat(NumberWatch.takeLeaks()).hasSize(3).allSatisfy(leak -> assertThat(leak).endsWith("ending 0163"));
    }

    @Test
    void theApplicationsLogLinesAreWatchedAfterItStartedAndResetLogging() {
        assertThat(NumberWatch.watchingLogs()).isTrue();
        NumberWatch.callerNumber("+15550100164");
        LoggerFactory.getLogger("org.tiphotline.calls.Switchboard").warn("a careless line about 5550100164");
        assertThat(NumberWatch.takeLeaks()).containsExactly(
                "log line of org.tiphotline.calls.Switchboard carried the caller number ending 0164");
    }

    @Test
    void aSimulatedCallersNumberIsWatchedAndEveryResponseOfTheOperatorsClientIsShownToTheWatch() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 010 0166", "language", "en"));
        assertThat(NumberWatch.takeLeaks()).as("the pop and the call's own answers carry the mask only").isEmpty();
        // The operator types the number the caller gave into the report: reading the report back now carries it,
        // which is how a careless endpoint would look to the watch.
        String report = "/api/reports/" + pop.get("report").asString();
        operator.put(report + "/fields/contactPhone", Map.of("value", "555-010-0166"));
        operator.get(report);
        assertThat(NumberWatch.takeLeaks()).contains("GET " + report + " carried the caller number ending 0166");
    }
}
