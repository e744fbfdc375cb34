package org.tiphotline.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/** The routing rules as operators experience them, with a short offer timeout. */
class RoutingOverTheWireTest {

    @TempDir
    Path data;

    @Test
    void anUnansweredOfferGoesToTheNextOperatorAndAnAbandonedCallKeepsItsIvrPath() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data, Map.of("hotline.routing.offer-timeout", "2s"))) {
            ConsoleClient first = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            ConsoleClient second = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
            try (LiveClient one = LiveClient.connect(first); LiveClient two = LiveClient.connect(second)) {
                BlockingQueue<JsonNode> onePops = one.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> onePresence = one.subscribe("/user/queue/presence");
                BlockingQueue<JsonNode> twoPops = two.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> twoPresence = two.subscribe("/user/queue/presence");
                one.send("/app/presence", Map.of("presence", "AVAILABLE"));
                await(onePresence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
                Thread.sleep(20);
                two.send("/app/presence", Map.of("presence", "AVAILABLE"));
                await(twoPresence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);

                // The first operator has been idle longest, so they are offered the call first; they stay silent.
                first.post("/api/sim/calls", Map.of("language", "en", "immediateDanger", "NO"));
                JsonNode firstPop = await(onePops, p -> true, 5);
                assertThat(twoPops.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS))
                        .as("the pop goes to the chosen operator alone").isNull();
                await(onePresence, p -> p.get("presence").asString().equals("AWAY"), 6);
                JsonNode secondPop = await(twoPops, p -> true, 5);
                assertThat(secondPop.get("call").asString()).isEqualTo(firstPop.get("call").asString());
                // The silent operator's untouched draft went away with the offer (issue 17: no orphan draft in
                // their open reports); the next operator gets a draft of their own.
                assertThat(first.get("/api/reports/" + firstPop.get("report").asString()).status()).isEqualTo(404);
                assertThat(first.get("/api/reports/drafts").body()).isEmpty();
                assertThat(second.get("/api/reports/" + secondPop.get("report").asString()).status())
                        .isEqualTo(200);

                // A second caller waits (nobody is available), then hangs up.
                two.send("/app/presence", Map.of("presence", "AWAY"));
                JsonNode waiting = first.post("/api/sim/calls",
                        Map.of("language", "fr", "immediateDanger", "NO", "callerType", "AFFECTED_PERSON")).body();
                assertThat(first.post("/api/sim/calls/" + waiting.get("providerCallId").asString() + "/caller-hangup",
                        null).status()).isEqualTo(204);

                ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
                JsonNode abandoned = supervisor.get("/api/calllog?outcome=ABANDONED_IN_QUEUE").body().get("rows").get(0);
                assertThat(abandoned.get("call").asString()).isEqualTo(waiting.get("call").asString());
                JsonNode detail = supervisor.get("/api/calllog/" + abandoned.get("call").asString()).body();
                assertThat(detail.get("ivrPath").get("LANGUAGE").asString()).isEqualTo("fr");
                assertThat(detail.get("ivrPath").get("CALLER_TYPE").asString()).isEqualTo("AFFECTED_PERSON");

                JsonNode rerouted = supervisor.get("/api/calllog/" + firstPop.get("call").asString()).body();
                assertThat(rerouted.toString()).contains("NO_ANSWER");
            }
        }
    }

    @Test
    void aSupervisorWatchingTheQueueAlwaysEndsUpSeeingItsLatestStateThoughBurstsAreCoalesced() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data, Map.of())) {
            ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
            try (LiveClient live = LiveClient.connect(supervisor)) {
                BlockingQueue<JsonNode> queue = live.subscribe("/topic/supervisor/queue");
                // Nobody is available: a burst of callers all wait.
                java.util.List<String> waiting = new java.util.ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    waiting.add(supervisor.post("/api/sim/calls", Map.of("language", "en", "immediateDanger", "NO"))
                            .body().get("providerCallId").asString());
                }
                JsonNode full = await(queue, q -> q.get("waiting").size() == 15, 5);
                assertThat(full.get("waiting").get(0).has("call")).isTrue();
                for (String call : waiting) {
                    assertThat(supervisor.post("/api/sim/calls/" + call + "/caller-hangup", null).status())
                            .isEqualTo(204);
                }
                await(queue, q -> q.get("waiting").isEmpty(), 5);
            }
        }
    }

    @Test
    void operatorsFramesAndPopsDoNotWaitForTheBusySchedulerThreads() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            try (LiveClient live = LiveClient.connect(operator)) {
                BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
                // Both scheduler threads stuck (a slow routing tick, a slow heart-beat): frames and pops must
                // still flow, because they run on the live channel's own threads.
                ThreadPoolTaskScheduler scheduler = hotline.bean("taskScheduler", ThreadPoolTaskScheduler.class);
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch busy = new CountDownLatch(scheduler.getPoolSize());
                for (int i = 0; i < scheduler.getPoolSize(); i++) {
                    scheduler.execute(() -> {
                        busy.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                try {
                    assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
                    live.send("/app/presence", Map.of("presence", "AVAILABLE"));
                    await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
                    JsonNode call = operator.post("/api/sim/calls", Map.of("language", "en", "immediateDanger", "NO"))
                            .body();
                    JsonNode pop = await(pops, p -> true, 5);
                    assertThat(pop.get("call").asString()).isEqualTo(call.get("call").asString());
                } finally {
                    release.countDown();
                }
            }
        }
    }
}
