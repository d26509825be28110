package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class VisibilityHeartbeatTest {

    private static SqsMessage message(String id) {
        return new SqsMessage("q.fifo", id, "receipt-" + id, "g", "1", 1, Instant.EPOCH, Instant.EPOCH, "{}", null);
    }

    @Test
    void extendsWhatHasStartedAndNotFinished() {
        List<List<String>> extended = new CopyOnWriteArrayList<>();
        VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(
                messages -> extended.add(messages.stream().map(SqsMessage::messageId).sorted().toList()));
        heartbeat.run();
        assertEquals(List.of(), extended, "nothing running, nothing to extend");

        SqsMessage a = message("a");
        SqsMessage b = message("b");
        SqsMessage c = message("c");
        heartbeat.started(List.of(a, b, c));
        heartbeat.run();
        heartbeat.finished(b);
        heartbeat.run();
        heartbeat.finished(a);
        heartbeat.finished(c);
        heartbeat.run();
        assertEquals(List.of(List.of("a", "b", "c"), List.of("a", "c")), extended);
    }

    @Test
    void anAcknowledgementWaitsForTheExtensionUnderWay() throws Exception {
        CountDownLatch extensionEntered = new CountDownLatch(1);
        CountDownLatch extensionMayEnd = new CountDownLatch(1);
        VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(messages -> {
            extensionEntered.countDown();
            try {
                extensionMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        SqsMessage a = message("a");
        heartbeat.started(List.of(a));
        Thread extension = new Thread(heartbeat, "extension");
        extension.start();
        await().atMost(10, SECONDS).until(() -> extensionEntered.getCount() == 0);

        // the message finishes while the extension that picked it up is still at SQS: its delete must wait
        heartbeat.finished(a);
        AtomicBoolean acknowledged = new AtomicBoolean();
        Thread acknowledgement = new Thread(() -> heartbeat.acknowledge(() -> acknowledged.set(true)), "acknowledgement");
        acknowledgement.start();
        await().atMost(10, SECONDS).until(() -> acknowledgement.getState() == Thread.State.WAITING);
        assertFalse(acknowledged.get());

        extensionMayEnd.countDown();
        await().atMost(10, SECONDS).untilTrue(acknowledged);
        extension.join(10_000);
        acknowledgement.join(10_000);
    }
}
