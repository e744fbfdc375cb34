package org.tiphotline.console.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.tiphotline.cluster.ClusterSettings;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.floor.Floor;
import org.tiphotline.floor.FloorFacts;
import org.tiphotline.floor.FloorNow;
import org.tiphotline.floor.FloorSettings;
import org.tiphotline.intake.JurisdictionSettings;

/** The live publisher's debounce: a burst of events is one read of the database and one message, not one each. */
class FloorPushTest {

    @Test
    void aBurstOfEventsIsOnePublishAndALaterEventAnother() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        // The database's side is FloorFactsTest's; here only how often it is asked.
        Floor floor = new Floor(new FloorFacts(null), FloorSettings.defaults(),
                new JurisdictionSettings("Testland", "JM", List.of("Test Parish")), Clock.systemUTC()) {
            @Override
            public Update update() {
                reads.incrementAndGet();
                return new Update(new FloorNow(Instant.EPOCH, 0, 0, null, 0, List.of()), List.of());
            }
        };
        List<Message<?>> sent = new CopyOnWriteArrayList<>();
        SimpMessagingTemplate messaging = new SimpMessagingTemplate((message, timeout) -> sent.add(message));
        Leadership follower = new Leadership(null, event -> { }, new ClusterSettings("test", Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
        FloorPush push = new FloorPush(floor, messaging, follower);
        try {
            for (int i = 0; i < 200; i++) {
                push.changed();
            }
            Thread.sleep(FloorPush.DEBOUNCE.plusMillis(700).toMillis());
            assertThat(reads).hasValue(1);
            assertThat(sent).hasSize(1);
            assertThat(SimpMessageHeaderAccessor.getDestination(sent.getFirst().getHeaders()))
                    .isEqualTo("/topic/floor.figures");

            push.changed();
            Thread.sleep(FloorPush.DEBOUNCE.plusMillis(700).toMillis());
            assertThat(reads).hasValue(2);
            assertThat(sent).hasSize(2);
        } finally {
            push.destroy();
            follower.destroy();
        }
    }
}
