package dev.sqsrouter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClaims;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStatus;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.ingress.IngressRequest;
import dev.sqsrouter.ingress.IngressSender;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * A replay claims each record (a conditional status change with a lease) before it sends it: concurrent replays send
 * each record once, a record discarded meanwhile is never sent, and a claim left by a replay that died is taken again
 * once its lease has run out. Replays go to the ingress-only queue, which no relay consumes: the test counts what it holds.
 */
class ReplayClaimTest extends IngressTestSupport {

    private static final String GROUP = "rc";

    /** An SQS sender that counts its sends and runs a hook before each. */
    private final class CountingSender extends IngressSender {
        final AtomicInteger sends = new AtomicInteger();
        volatile Consumer<IngressRequest> beforeSend = request -> { };

        CountingSender() {
            super(sqs);
        }

        @Override
        public SendMessageResponse send(IngressRequest request) {
            beforeSend.accept(request);
            sends.incrementAndGet();
            return super.send(request);
        }
    }

    private FailureRecord store(int sequence) {
        FailureRecord record = new FailureRecord(queue(HELD), GROUP, Integer.toString(sequence), "m-" + sequence,
                body(sequence), FailureClass.BUSINESS, "status_code 500", 200, "{\"status_code\": 500}", 1, Instant.now(),
                Instant.now());
        assertTrue(appFailureStore().record(record));
        return record;
    }

    private static String body(int sequence) {
        return "{\"data\":{\"MessageGroupID\":\"" + GROUP + "\",\"transSeq\":\"" + sequence + "\"}}";
    }

    private FailureReplay replay(CountingSender sender, Clock clock) {
        return new FailureReplay(appFailureStore(), sender, clock, 10);
    }

    private List<String> heldBodies() {
        return drain(queue(HELD)).stream().map(Message::body).toList();
    }

    private List<String> statuses() {
        return failureStore().entries(queue(HELD), GROUP).stream().map(e -> e.status().name()).toList();
    }

    @Test
    void twoConcurrentReplaysOfOneGroupSendEachRecordOnceInOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int seq = 1; seq <= 25; seq++) {
            store(seq);
            expected.add(body(seq));
        }
        CountingSender sender = new CountingSender();
        FailureReplay replay = replay(sender, Clock.systemUTC());
        CountDownLatch otherDone = new CountDownLatch(1);
        AtomicInteger first = new AtomicInteger();
        // the first send of either replay waits until the other replay has returned: both have read the group by then
        sender.beforeSend = request -> {
            if (first.incrementAndGet() == 1) {
                try {
                    assertTrue(otherDone.await(30, TimeUnit.SECONDS), "the other replay returned");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        List<CompletableFuture<FailureReplay.Result>> replays = new ArrayList<>();
        // two threads of their own: the common pool may have one on this machine
        ExecutorService threads = Executors.newFixedThreadPool(2);
        for (int i = 0; i < 2; i++) {
            replays.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    return replay.replay(HELD, queue(HELD), GROUP);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    if (finished.incrementAndGet() == 1) {
                        otherDone.countDown();
                    }
                }
            }, threads));
        }
        start.countDown();
        List<FailureReplay.Result> results = new ArrayList<>();
        for (CompletableFuture<FailureReplay.Result> r : replays) {
            results.add(r.get(60, TimeUnit.SECONDS));
        }
        threads.shutdown();

        assertEquals(25, sender.sends.get(), "sends to SQS");
        assertEquals(expected, heldBodies(), "the queue holds each record once, in order");
        assertEquals(25, results.stream().mapToInt(r -> r.replayed().size()).sum(), results.toString());
        assertEquals(List.of(25), results.stream().map(r -> r.replayed().size()).filter(n -> n > 0).toList());
        assertTrue(results.stream().anyMatch(r -> r.busy() != null && r.replayed().isEmpty()), results.toString());
        assertTrue(statuses().stream().allMatch("REPLAYED"::equals), statuses().toString());
    }

    @Test
    void aRecordDiscardedWhileTheReplayRunsIsNeverSentAndAClaimedOneCannotBeDiscarded() {
        FailureRecord one = store(1);
        FailureRecord two = store(2);
        store(3);
        CountingSender sender = new CountingSender();
        List<FailureClaims.Transition> discards = new ArrayList<>();
        FailureStore store = appFailureStore();
        sender.beforeSend = request -> {
            if (request.messageBody().equals(body(1))) {
                // another operator discards 1 (being sent) and 2 (not yet) at this very moment
                discards.add(store.discard(queue(HELD), GROUP, one.sortKey(), "by hand", Instant.now()));
                discards.add(store.discard(queue(HELD), GROUP, two.sortKey(), "by hand", Instant.now()));
            }
        };
        FailureReplay.Result result = replay(sender, Clock.systemUTC()).replay(HELD, queue(HELD), GROUP);

        assertEquals(List.of(FailureClaims.Transition.NOT_OPEN, FailureClaims.Transition.DONE), discards);
        assertEquals(List.of("1", "3"), result.replayed().stream().map(FailureReplay.Replayed::sequence).toList());
        assertEquals(List.of("2: DISCARDED meanwhile: not replayed"),
                result.skipped().stream().map(s -> s.sequence() + ": " + s.reason()).toList());
        assertEquals(2, sender.sends.get());
        assertEquals(List.of(body(1), body(3)), heldBodies());
        assertEquals(List.of("REPLAYED", "DISCARDED", "REPLAYED"), statuses());
    }

    @Test
    void aClaimLeftByAReplayThatDiedIsTakenAgainOnceItsLeaseRanOut() {
        FailureRecord one = store(1);
        store(2);
        Instant t0 = Instant.now();
        // a replay claimed 1, then its process died before it sent or marked anything
        assertEquals(FailureClaims.Claim.CLAIMED, appFailureStore().claim(one, "dead-replay", t0, FailureReplay.DEFAULT_LEASE));
        assertEquals(List.of("REPLAYING", "OPEN"), statuses());
        JsonNode listed = json(call("GET", "/admin/failures?status=REPLAYING", (String) null, "X-API-Key", ADMIN_KEY)).path("records");
        assertEquals(1, listed.size(), listed.toString());

        CountingSender sender = new CountingSender();
        FailureReplay.Result early = replay(sender, Clock.fixed(t0.plus(FailureReplay.DEFAULT_LEASE).minusSeconds(1), ZoneOffset.UTC))
                .replay(HELD, queue(HELD), GROUP);
        assertEquals(0, sender.sends.get(), "within the lease nothing is sent: order holds");
        assertTrue(early.busy() != null && early.busy().contains("being replayed"), String.valueOf(early.busy()));
        assertEquals(FailureClaims.Transition.NOT_OPEN, appFailureStore().discard(queue(HELD), GROUP, one.sortKey(), "x",
                t0.plusSeconds(1)));

        FailureReplay.Result late = replay(sender, Clock.fixed(t0.plus(FailureReplay.DEFAULT_LEASE).plusSeconds(1), ZoneOffset.UTC))
                .replay(HELD, queue(HELD), GROUP);
        assertNull(late.busy());
        assertEquals(List.of("1", "2"), late.replayed().stream().map(FailureReplay.Replayed::sequence).toList());
        assertEquals(List.of(body(1), body(2)), heldBodies());
        assertEquals(List.of("REPLAYED", "REPLAYED"), statuses());
        assertEquals(FailureStatus.REPLAYED, failureStore().find(queue(HELD), GROUP, one.sortKey()).orElseThrow().status());
    }
}
