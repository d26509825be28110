package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The ordered runner on its own: the consumer around it is a fake whose workers run tasks in the calling thread and
 * whose timer runs a retry only when the test says so; what reaches SQS is recorded.
 */
class OrderedGroupRunnerTest {

    private static final String QUEUE = "orders.fifo";
    private static final int VISIBILITY_SECONDS = 30;

    private final ReceivedMessages received = new ReceivedMessages();
    private final RecordingSqsClient sqs = new RecordingSqsClient();
    private final ConsumerStats stats = new ConsumerStats();
    private final OrderedOptions options = new OrderedOptions();
    private final SqsAcknowledger acknowledger = new SqsAcknowledger(sqs, () -> "https://sqs/" + QUEUE, QUEUE, stats);

    /** Every attempt in the order it ran: "id#attempt", with " last" when it was flagged the last. */
    private final List<String> attempts = new ArrayList<>();
    /** The logging context (MDC) each attempt ran in. */
    private final List<Map<String, String>> logContexts = new ArrayList<>();
    /** The message id header each attempt carried. */
    private final List<String> headerIds = new ArrayList<>();
    /** How many attempts of a message fail (transiently), by message id; others succeed. */
    private final Map<String, Integer> failing = new HashMap<>();
    private final AtomicBoolean mayStart = new AtomicBoolean(true);
    /** The message during whose attempt the consumer begins to stop. */
    private String stopDuring;
    private final Queue<Runnable> dueRetries = new ArrayDeque<>();
    private final List<Long> retryDelays = new ArrayList<>();
    private int finishedGroups;

    private final OrderedGroupRunner.Host host = new OrderedGroupRunner.Host() {
        @Override
        public boolean mayStart() {
            return mayStart.get();
        }

        @Override
        public Exchange newExchange() {
            return new DefaultExchange(received.context);
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void schedule(Runnable task, long delayMs) {
            retryDelays.add(delayMs);
            dueRetries.add(task);
        }

        @Override
        public void groupFinished() {
            finishedGroups++;
        }
    };

    private MessageAcknowledgement acknowledgement;

    private OrderedGroupRunner runner(boolean heartbeat, ConsumerBreaker breaker) {
        VisibilityHeartbeat visibility = heartbeat ? new VisibilityHeartbeat(
                (messages, seconds) -> acknowledger.changeVisibility(messages, seconds, message -> true), messages -> {
                }, Runnable::run) : null;
        acknowledgement = new MessageAcknowledgement(acknowledger, visibility);
        return new OrderedGroupRunner(QUEUE, options, VISIBILITY_SECONDS, stats, breaker, acknowledgement, this::process, host);
    }

    private OrderedGroupRunner runner() {
        return runner(true, new ConsumerBreaker(0, 0));
    }

    private void process(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        boolean last = exchange.getProperty(OrderedSqsConsumer.LAST_ATTEMPT, false, Boolean.class);
        attempts.add(id + "#" + exchange.getProperty(OrderedSqsConsumer.ATTEMPT) + (last ? " last" : ""));
        headerIds.add(exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class));
        Map<String, String> context = MDC.getCopyOfContextMap();
        logContexts.add(context == null ? Map.of() : context);
        if (id.equals(stopDuring)) {
            mayStart.set(false);
        }
        if (failing.merge(id, -1, Integer::sum) >= 0) {
            exchange.setException(new IOException("connection refused while relaying " + id));
        }
    }

    /** Runs one received group as the consumer does: its own batch, received now (or {@code ageSeconds} ago). */
    private void run(OrderedGroupRunner runner, long ageSeconds, Exchange... group) {
        List<MessageGroup> groups = ReceivedMessages.grouped(QUEUE, group);
        assertEquals(1, groups.size(), "one group per call");
        acknowledgement.received(groups.get(0).messages());
        long receivedAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(ageSeconds);
        BatchAcknowledgement batch = new BatchAcknowledgement(1, done -> acknowledgement.delete(done, receivedAt), Runnable::run);
        runner.run(groups.get(0), batch, receivedAt).run();
    }

    private void run(OrderedGroupRunner runner, Exchange... group) {
        run(runner, 0, group);
    }

    private void retry() {
        dueRetries.remove().run();
    }

    @Test
    void everyAttemptRunsWithItsMessageInTheLogContextAndTheThreadIsClearAfterwards() {
        failing.put("b1", 1);
        Exchange b1 = received.fifo("b1", "group-b");
        Exchange b2 = received.fifo("b2", "group-b");
        b1.getExchangeExtension().setFromRouteId("relay-orders");
        b2.getExchangeExtension().setFromRouteId("relay-orders");
        run(runner(), b1, b2);
        assertEquals(Map.of(), mdc(), "a held group leaves nothing in the worker's context");
        retry();

        assertEquals(List.of("b1#1", "b1#2", "b2#1"), attempts);
        assertEquals(List.of("b1", "b1", "b2"), logContexts.stream().map(c -> c.get(MessageLogContext.MESSAGE_ID)).toList());
        for (Map<String, String> context : logContexts) {
            assertEquals(QUEUE, context.get(MessageLogContext.QUEUE));
            assertEquals("group-b", context.get(MessageLogContext.GROUP));
        }
        assertEquals("relay-orders", logContexts.get(0).get(MessageLogContext.ROUTE));
        assertEquals("relay-orders", logContexts.get(2).get(MessageLogContext.ROUTE));
        assertEquals(Map.of(), mdc(), "the worker thread goes back to its pool without a message in its context");
    }

    private static Map<String, String> mdc() {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return context == null ? Map.of() : context;
    }

    @Test
    void aGroupRunsInReceiveOrderAndIsDeletedWhenDone() {
        run(runner(), received.fifo("a1", "a"), received.fifo("a2", "a"), received.fifo("a3", "a"));

        assertEquals(List.of("a1#1", "a2#1", "a3#1"), attempts);
        assertEquals(List.of("delete a1,a2,a3"), sqs.calls);
        assertEquals(1, finishedGroups);
    }

    @Test
    void aFailedHeadStopsItsGroupAndIsRetriedInPlaceBeforeItsFollowers() {
        failing.put("a2", 2);
        run(runner(), received.fifo("a1", "a"), received.fifo("a2", "a"), received.fifo("a3", "a"));

        // a3 waits untried while a2 is held; what the group finished before it is deleted meanwhile
        assertEquals(List.of("a1#1", "a2#1"), attempts);
        assertEquals(List.of("delete a1"), sqs.calls);
        assertEquals(0, finishedGroups, "a held group is still in flight");

        retry();
        retry();
        assertEquals(List.of("a1#1", "a2#1", "a2#2", "a2#3", "a3#1"), attempts);
        assertEquals(attempts.stream().map(attempt -> attempt.substring(0, 2)).toList(), headerIds,
                "each retry is a fresh exchange with the received headers");
        assertEquals(List.of(200L, 400L), retryDelays, "the wait doubles from retryDelayMs");
        assertEquals(List.of("delete a1", "delete a2,a3"), sqs.calls, "nothing was given back: no receive count spent");
        assertEquals(2, stats.retried());
        assertEquals(1, finishedGroups);
        assertTrue(dueRetries.isEmpty());
    }

    @Test
    void aStoppingConsumerStartsNoFurtherMessageAndGivesTheRestBackUntried() {
        stopDuring = "a1";
        run(runner(), received.fifo("a1", "a"), received.fifo("a2", "a"), received.fifo("a3", "a"));

        assertEquals(List.of("a1#1"), attempts);
        assertEquals(List.of("visible in 0 s: a2,a3", "delete a1"), sqs.calls);
        assertEquals(2, stats.released());
        assertEquals(1, finishedGroups);
    }

    @Test
    void aHeadThatFailsWhileTheConsumerStopsGoesBackAtOnceWithItsFollowers() {
        options.setFailedVisibilityTimeout(7);
        stopDuring = "a2";
        failing.put("a2", 1);
        run(runner(), received.fifo("a1", "a"), received.fifo("a2", "a"), received.fifo("a3", "a"));

        // visible again at once (not after failedVisibilityTimeout), for another instance to take over in order
        assertEquals(List.of("a1#1", "a2#1"), attempts);
        assertEquals(List.of("visible in 0 s: a2,a3", "delete a1"), sqs.calls);
        assertTrue(dueRetries.isEmpty());
    }

    @Test
    void aGroupWaitingForItsRetryGoesBackToSqsWhenTheConsumerStops() {
        failing.put("a2", 1);
        OrderedGroupRunner runner = runner();
        run(runner, received.fifo("a1", "a"), received.fifo("a2", "a"), received.fifo("a3", "a"));

        mayStart.set(false);
        runner.releaseWaiting();
        assertEquals(List.of("delete a1", "visible in 0 s: a2,a3"), sqs.calls);
        assertEquals(1, finishedGroups);

        // the retry that was due does nothing any more
        retry();
        assertEquals(List.of("a1#1", "a2#1"), attempts);
        assertEquals(1, finishedGroups);
    }

    @Test
    void pastMaxHoldTheHeadAndItsFollowersGoBackAfterFailedVisibilityTimeout() {
        options.setMaxHoldSeconds(0);
        options.setFailedVisibilityTimeout(7);
        failing.put("a2", 1);
        run(runner(), received.fifo("a1", "a"), received.fifo("a2", "a"), received.fifo("a3", "a"));

        assertEquals(List.of("a1#1", "a2#1"), attempts);
        assertEquals(List.of("visible in 7 s: a2,a3", "delete a1"), sqs.calls);
        assertTrue(dueRetries.isEmpty());
        assertEquals(1, stats.kept());
        assertEquals(1, stats.released());
        assertEquals(1, finishedGroups);
    }

    @Test
    void withoutAHeartbeatAFailedHeadGoesBackAtOnceWithItsFollowers() {
        options.setFailedVisibilityTimeout(7);
        failing.put("a2", 1);
        run(runner(false, new ConsumerBreaker(0, 0)), received.fifo("a1", "a"), received.fifo("a2", "a"),
                received.fifo("a3", "a"));

        assertEquals(List.of("a1#1", "a2#1"), attempts);
        assertEquals(List.of("visible in 7 s: a2,a3", "delete a1"), sqs.calls);
        assertTrue(dueRetries.isEmpty());
    }

    @Test
    void withoutAHeartbeatNoMessageStartsAfterHalfTheVisibilityTimeout() {
        run(runner(false, new ConsumerBreaker(0, 0)), VISIBILITY_SECONDS / 2 + 1, received.fifo("a1", "a"),
                received.fifo("a2", "a"));

        assertEquals(List.of(), attempts);
        assertEquals(List.of("visible in 0 s: a1,a2"), sqs.calls);
        assertEquals(2, stats.released());
        assertEquals(1, finishedGroups);
    }

    @Test
    void aHeadThatKeepsFailingWhileOtherMessagesSucceedGetsOneLastAttempt() {
        options.setPoisonAttempts(2);
        failing.put("a1", 3);
        OrderedGroupRunner runner = runner();
        run(runner, received.fifo("a1", "a"));
        run(runner, received.fifo("b1", "b"));
        retry();
        run(runner, received.fifo("c1", "c"));
        retry();
        retry();

        // a1's 2nd and 3rd failures each came after another message succeeded: the 4th attempt is its last
        assertEquals(List.of("a1#1", "b1#1", "a1#2", "c1#1", "a1#3", "a1#4 last"), attempts);
    }

    @Test
    void duringAnOutageNoAttemptIsTheLast() {
        options.setPoisonAttempts(2);
        failing.put("a1", 6);
        OrderedGroupRunner runner = runner();
        run(runner, received.fifo("a1", "a"));
        for (int i = 0; i < 6; i++) {
            retry();
        }

        // nothing else succeeded meanwhile: the target is down for everyone, so a1 is no poison
        assertEquals(List.of("a1#1", "a1#2", "a1#3", "a1#4", "a1#5", "a1#6", "a1#7"), attempts);
        assertEquals(List.of("delete a1"), sqs.calls);
    }

    @Test
    void failedAttemptsInARowOpenTheBreakerAndASuccessClosesIt() {
        ConsumerBreaker breaker = new ConsumerBreaker(3, TimeUnit.MINUTES.toMillis(1));
        failing.put("a1", 3);
        OrderedGroupRunner runner = runner(true, breaker);
        run(runner, received.fifo("a1", "a"));
        retry();
        assertFalse(breaker.isOpen());
        retry();
        assertTrue(breaker.isOpen());
        assertEquals(1, stats.breakerOpenings());

        retry();
        assertFalse(breaker.isOpen(), "a held message got through: receive again at once");
    }
}
