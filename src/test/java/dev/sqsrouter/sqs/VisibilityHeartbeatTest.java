package dev.sqsrouter.sqs;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class VisibilityHeartbeatTest {

    private static final int EXTEND_TO = 30;

    private static SqsMessage message(String id) {
        return new SqsMessage("q.fifo", id, "receipt-" + id, "g", "1", 1, Instant.EPOCH, Instant.EPOCH, "{}", null);
    }

    /** What each visibility change did: "seconds:ids" in call order. */
    private final List<String> changes = new CopyOnWriteArrayList<>();

    private void record(List<SqsMessage> messages, int seconds) {
        changes.add(seconds + ":" + String.join(",", messages.stream().map(SqsMessage::messageId).sorted().toList()));
    }

    @Test
    void eachMessageIsExtendedUntilItsDeleteReturns() throws Exception {
        VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(this::record, messages -> record(messages, EXTEND_TO), Runnable::run);
        heartbeat.run();
        assertEquals(List.of(), changes, "nothing received, nothing to extend");

        SqsMessage a = message("a");
        SqsMessage b = message("b");
        heartbeat.started(List.of(a, b));
        CountDownLatch deleteMayReturn = new CountDownLatch(1);
        CountDownLatch deleting = new CountDownLatch(1);
        Thread delete = new Thread(() -> heartbeat.delete(List.of(a), () -> {
            deleting.countDown();
            try {
                deleteMayReturn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "delete");
        delete.start();
        deleting.await();

        // a's outcome is known and its delete is under way (a slow call): it must stay invisible until the delete returns
        heartbeat.run();
        deleteMayReturn.countDown();
        delete.join(10_000);
        heartbeat.run();
        assertEquals(List.of(EXTEND_TO + ":a,b", EXTEND_TO + ":b"), changes);
    }

    @Test
    void aDeleteThatFailsStillEndsTheExtensions() {
        VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(this::record, messages -> record(messages, EXTEND_TO), Runnable::run);
        SqsMessage a = message("a");
        heartbeat.started(List.of(a));
        try {
            heartbeat.delete(List.of(a), () -> {
                throw new IllegalStateException("SQS refused the delete");
            });
        } catch (IllegalStateException expected) {
            // the caller logs it; SQS will deliver the message again
        }
        heartbeat.run();
        assertEquals(List.of(), changes);
    }

    @Test
    void aReleaseRunsAfterTheExtensionUnderWayAndIsNotUndoneByIt() throws Exception {
        ExecutorService serial = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch extensionEntered = new CountDownLatch(1);
            CountDownLatch extensionMayEnd = new CountDownLatch(1);
            VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(this::record, messages -> {
                extensionEntered.countDown();
                try {
                    extensionMayEnd.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                record(messages, EXTEND_TO);
            }, serial);
            SqsMessage a = message("a");
            heartbeat.started(List.of(a));
            serial.execute(heartbeat);
            extensionEntered.await();

            // given back while the extension that picked it up is still at SQS: the release must land after it
            heartbeat.release(List.of(a), 0);
            extensionMayEnd.countDown();
            await().atMost(10, SECONDS).until(() -> changes.size() == 2);
            assertEquals(List.of(EXTEND_TO + ":a", "0:a"), changes);
            heartbeat.run();
            assertEquals(2, changes.size(), "a released message is no longer extended");
        } finally {
            serial.shutdownNow();
        }
    }

    @Test
    void aFailedExtensionDoesNotEndTheSchedule() {
        AtomicInteger calls = new AtomicInteger();
        VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(this::record, messages -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("SQS unreachable");
            }
            record(messages, EXTEND_TO);
        }, Runnable::run);
        heartbeat.started(List.of(message("a")));
        // run by a scheduled executor: a run that threw would end the schedule, so a run must not throw
        heartbeat.run();
        heartbeat.run();
        assertEquals(List.of(EXTEND_TO + ":a"), changes);
    }
}
