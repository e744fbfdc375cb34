package org.tiphotline.console.consults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * Issue 20 F on the simulated line (the demo's phone line), through the real HTTP and STOMP stack: the line's own
 * listing shows the three parties of a consult (the caller held, the operator, the colleague) and, after the hand-over,
 * the colleague alone with the caller; routing offers the colleague nothing while asked; the call becomes the
 * colleague's (TRANSFERRED naming them, the call log's operator, its draft report, audited) and the operator who
 * handed over goes to after-call work; a consult called off frees the colleague for the next call.
 */
class SimulatedConsultTest {

    @TempDir
    Path data;

    private RunningHotline hotline;

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void aWarmTransferShowsThreePartiesThenGivesTheCallToTheColleague() throws Exception {
        hotline = RunningHotline.start(data);
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient two = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        try (LiveClient liveOne = LiveClient.connect(one); LiveClient liveTwo = LiveClient.connect(two)) {
            BlockingQueue<JsonNode> presenceOne = liveOne.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> presenceTwo = liveTwo.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> toldTwo = liveTwo.subscribe("/user/queue/consult");
            BlockingQueue<JsonNode> popsTwo = liveTwo.subscribe("/user/queue/pop");
            JsonNode pop = SimCalls.ringing(liveOne, one, Map.of("callerNumber", "+1 555 0100 171", "language", "en"));
            String call = pop.get("call").asString();
            String sim = pop.get("providerCallId").asString();
            one.post("/api/sim/calls/" + sim + "/answer", null);
            await(presenceOne, p -> p.get("presence").asString().equals("ON_CALL"), 5);
            liveTwo.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(presenceTwo, p -> p.get("presence").asString().equals("AVAILABLE"), 5);

            JsonNode colleagues = one.get("/api/console/colleagues").body();
            JsonNode demoTwo = find(colleagues, "Demo Operator Two");
            assertThat(demoTwo.get("available").asBoolean()).isTrue();
            assertThat(demoTwo.get("languages").get(0).get("name").asString()).isEqualTo("English");
            long twoId = demoTwo.get("id").asLong();
            long oneId = idOf(supervisor, "Demo Operator One");

            ConsoleClient.Response asked = one.post("/api/console/calls/" + call + "/consult",
                    Map.of("colleague", twoId));
            assertThat(asked.status()).isEqualTo(200);
            assertThat(asked.body().get("consulting").asString()).isEqualTo("Demo Operator Two");
            assertThat(parties(one, sim)).containsExactly("caller:held", "operator:" + oneId, "colleague:" + twoId);
            assertThat(await(toldTwo, m -> m.get("what").asString().equals("CONSULTED"), 5).get("words").asString())
                    .isEqualTo("Demo Operator One asks you about a call (the caller is on hold)");
            await(presenceTwo, p -> p.get("presence").asString().equals("ON_CALL"), 5);

            // Routing: another caller waits rather than ring at the colleague being asked.
            one.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 172", "language", "en"));
            assertThat(popsTwo.poll(1500, TimeUnit.MILLISECONDS)).as("no offer to a colleague being asked").isNull();

            String report = pop.get("report").asString();
            assertThat(one.put("/api/reports/" + report + "/fields/victimDetails",
                    Map.of("value", "Told operator one before the transfer (fake)")).status()).isEqualTo(200);

            ConsoleClient.Response handed = one.post("/api/console/calls/" + call + "/consult/hand-over", null);
            assertThat(handed.status()).isEqualTo(200);
            assertThat(handed.body().get("operator").asString()).isEqualTo("Demo Operator Two");
            assertThat(parties(one, sim)).containsExactly("caller:talking", "operator:" + twoId);
            await(presenceOne, p -> p.get("presence").asString().equals("WRAP_UP"), 5);
            assertThat(await(toldTwo, m -> m.get("what").asString().equals("HANDED_OVER"), 5).get("words").asString())
                    .isEqualTo("Demo Operator One handed the caller over to you: you are on the call");
            JsonNode current = two.get("/api/console/call").body().get("current");
            assertThat(current.get("call").asString()).isEqualTo(call);
            // The report went with the caller: the colleague goes on with what was typed; the first operator no
            // longer has it (their drafts, their reads).
            assertThat(current.get("report").asString()).isEqualTo(report);
            ConsoleClient.Response theirs = two.get("/api/reports/" + report);
            assertThat(theirs.status()).isEqualTo(200);
            assertThat(theirs.body().get("report").get("operatorName").asString()).isEqualTo("Demo Operator Two");
            assertThat(theirs.body().toString()).contains("Told operator one before the transfer (fake)");
            assertThat(one.get("/api/reports/" + report).status()).isEqualTo(404);
            assertThat(one.get("/api/reports/drafts").body().toString()).doesNotContain(report);
            assertThat(one.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"))
                    .status()).as("a late save of the first operator's").isEqualTo(404);
            assertThat(two.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"))
                    .status()).isEqualTo(200);
            assertThat(one.post("/api/sim/calls/" + sim + "/operator-hangup", null).status())
                    .as("the operator who handed over is off the line").isEqualTo(409);

            assertThat(two.post("/api/sim/calls/" + sim + "/operator-hangup", null).status()).isEqualTo(204);
            await(presenceTwo, p -> p.get("presence").asString().equals("WRAP_UP"), 5);

            JsonNode detail = supervisor.get("/api/calllog/" + call).body();
            List<String> timeline = new ArrayList<>();
            detail.get("timeline").forEach(e -> timeline.add(e.get("type").asString()
                    + (e.hasNonNull("operator") ? ":" + e.get("operator").asLong() : "")));
            assertThat(timeline).containsSubsequence("ANSWERED:" + oneId, "CONSULTED:" + twoId,
                    "TRANSFERRED:" + twoId, "ENDED");
            assertThat(detail.get("summary").get("outcome").asString()).isEqualTo("COMPLETED");
            assertThat(detail.get("summary").get("operatorName").asString()).isEqualTo("Demo Operator Two");
            List<String> audited = hotline.bean(DSLContext.class).select(AUDIT_LOG.FIELDS).from(AUDIT_LOG)
                    .where(AUDIT_LOG.ACTOR.eq("operator"), AUDIT_LOG.ENTITY.eq("call"), AUDIT_LOG.ENTITY_ID.eq(call))
                    .orderBy(AUDIT_LOG.ID).fetch(r -> String.join(",", r.value1()));
            assertThat(audited).containsSubsequence("consult:operator2", "handed-over:operator2");
            assertThat(hotline.bean(DSLContext.class).select(AUDIT_LOG.FIELDS).from(AUDIT_LOG)
                    .where(AUDIT_LOG.ACTOR.eq("operator"), AUDIT_LOG.ENTITY.eq("hotline_report"),
                            AUDIT_LOG.ENTITY_ID.eq(report))
                    .fetch(r -> String.join(",", r.value1()))).as("the report's change of hands")
                    .contains("handed-over:operator2");
        }
    }

    @Test
    void backToTheCallerFreesTheColleagueAndWhatCannotBeDoneIsRefusedInWords() throws Exception {
        hotline = RunningHotline.start(data);
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient two = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient liveOne = LiveClient.connect(one); LiveClient liveTwo = LiveClient.connect(two)) {
            BlockingQueue<JsonNode> presenceOne = liveOne.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> presenceTwo = liveTwo.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> popsTwo = liveTwo.subscribe("/user/queue/pop");
            JsonNode pop = SimCalls.ringing(liveOne, one, Map.of("callerNumber", "+1 555 0100 173", "language", "en"));
            String call = pop.get("call").asString();
            String sim = pop.get("providerCallId").asString();
            one.post("/api/sim/calls/" + sim + "/answer", null);
            await(presenceOne, p -> p.get("presence").asString().equals("ON_CALL"), 5);

            ConsoleClient.Response away = one.post("/api/console/calls/" + call + "/consult", Map.of("language", "en"));
            assertThat(away.status()).isEqualTo(409);
            assertThat(away.body().get("message").asString()).isEqualTo("nobody available now speaks that language");
            ConsoleClient.Response nobody = one.post("/api/console/calls/" + call + "/consult", Map.of());
            assertThat(nobody.status()).isEqualTo(400);
            assertThat(nobody.body().get("message").asString()).contains("say whom to ask");
            ConsoleClient.Response notHers = two.post("/api/console/calls/" + call + "/consult",
                    Map.of("language", "en"));
            assertThat(notHers.status()).isEqualTo(409);
            assertThat(notHers.body().get("message").asString()).isEqualTo("this is not your call");

            liveTwo.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(presenceTwo, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
            assertThat(one.post("/api/console/calls/" + call + "/consult", Map.of("language", "en")).body()
                    .get("consulting").asString()).as("by language: the available English speaker")
                    .isEqualTo("Demo Operator Two");
            assertThat(parties(one, sim)).contains("caller:held");
            one.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 174", "language", "en"));
            assertThat(popsTwo.poll(1000, TimeUnit.MILLISECONDS)).isNull();

            ConsoleClient.Response back = one.delete("/api/console/calls/" + call + "/consult");
            assertThat(back.status()).isEqualTo(200);
            assertThat(back.body().hasNonNull("consulting")).isFalse();
            assertThat(parties(one, sim)).containsExactly("caller:talking", "operator:" + idOf(one));
            // Free again: the caller who waited meanwhile rings at them now.
            assertThat(await(popsTwo, p -> true, 5).get("call").asString()).isNotEqualTo(call);
            assertThat(one.post("/api/console/calls/" + call + "/consult/hand-over", null).body().get("message")
                    .asString()).isEqualTo("no colleague is being asked about this call");
        }
    }

    @Test
    void anInterpreterLineOfTheDirectoryJoinsTheCallOnce() throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        org.tiphotline.console.testing.TestDirectory.agency(settings, 0, "test-interpreters",
                "Test Interpreters (fake)", "INTERPRETING", "+15550100150", "EMAIL interpreters@example.test");
        hotline = RunningHotline.start(data, settings);
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        JsonNode lines = one.get("/api/console/interpreters").body();
        assertThat(lines.size()).isEqualTo(1);
        assertThat(lines.get(0).get("name").asString()).isEqualTo("Test Interpreters (fake)");
        assertThat(lines.toString()).as("no number on the way to a browser").doesNotContain("0150");
        JsonNode answered = SimCalls.answered(one, Map.of("callerNumber", "+1 555 0100 175", "language", "en"));
        String call = answered.get("call").asString();
        String sim = answered.get("providerCallId").asString();

        ConsoleClient.Response unknown = one.post("/api/console/calls/" + call + "/interpreter",
                Map.of("agency", "test-police"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("message").asString()).contains("no interpreter line of that name");
        assertThat(one.post("/api/console/calls/" + call + "/interpreter", Map.of("agency", "test-interpreters"))
                .status()).isEqualTo(200);
        boolean[] interpreter = {false};
        one.get("/api/sim/calls").body().forEach(c -> {
            if (c.get("providerCallId").asString().equals(sim)) {
                interpreter[0] = c.get("interpreter").asBoolean();
            }
        });
        assertThat(interpreter[0]).as("the simulated line lists the interpreter in the call").isTrue();
        ConsoleClient.Response again = one.post("/api/console/calls/" + call + "/interpreter",
                Map.of("agency", "test-interpreters"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("message").asString()).isEqualTo("an interpreter line is on this call already");

        JsonNode added = null;
        for (JsonNode e : supervisor.get("/api/calllog/" + call).body().get("timeline")) {
            if (e.get("type").asString().equals("INTERPRETER_ADDED")) {
                added = e;
            }
        }
        assertThat(added).isNotNull();
        assertThat(added.get("detail").get("agency").asString()).isEqualTo("test-interpreters");
        assertThat(hotline.bean(DSLContext.class).select(AUDIT_LOG.FIELDS).from(AUDIT_LOG)
                .where(AUDIT_LOG.ACTOR.eq("operator"), AUDIT_LOG.ENTITY.eq("call"), AUDIT_LOG.ENTITY_ID.eq(call))
                .fetch(r -> String.join(",", r.value1()))).containsExactly("interpreter:test-interpreters");
    }

    /** The line's own listing of its call: the caller (held or talking), who talks, the colleague asked. */
    private static List<String> parties(ConsoleClient anyone, String sim) {
        List<String> on = new ArrayList<>();
        for (JsonNode c : anyone.get("/api/sim/calls").body()) {
            if (c.get("providerCallId").asString().equals(sim)) {
                on.add("caller:" + (c.get("callerHeld").asBoolean() ? "held" : "talking"));
                on.add("operator:" + c.get("talkingTo").asLong());
                if (c.hasNonNull("consulting")) {
                    on.add("colleague:" + c.get("consulting").asLong());
                }
            }
        }
        return on;
    }

    private static JsonNode find(JsonNode colleagues, String name) {
        for (JsonNode c : colleagues) {
            if (c.get("name").asString().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no colleague named " + name + " in " + colleagues);
    }

    /** The signed-in operator's own id, from their seat's call listing. */
    private static long idOf(ConsoleClient operator) {
        return operator.get("/api/me").body().get("id").asLong();
    }

    private static long idOf(ConsoleClient supervisor, String name) {
        for (JsonNode o : supervisor.get("/api/operators").body()) {
            if (o.get("name").asString().equals(name)) {
                return o.get("id").asLong();
            }
        }
        throw new AssertionError("no user named " + name);
    }
}
