package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered runner of one consumer: runs the messages of each {@link MessageGroup} one after another and settles the
 * group with its batch's {@link BatchAcknowledgement} as soon as it is done.
 * <p>
 * A message whose exchange fails (the route's failure policy left an exception: a transient failure) stops its group:
 * its followers are not started. The {@link RetryPolicy} decides what follows: the head retried in place after a
 * backoff, what the group finished before it being acknowledged meanwhile, or the head and its followers given back to
 * SQS untried; on a head's last attempt {@link OrderedSqsConsumer#LAST_ATTEMPT} is set, and the failure policy parks it
 * instead of failing. Every attempt feeds the consumer's breaker.
 */
final class OrderedGroupRunner {

    /** What a runner needs from the consumer it runs for. */
    interface Host {

        /** False once a stop has begun: no further message is started. */
        boolean mayStart();

        /** A new exchange of the consumer, for a retry. */
        Exchange newExchange();

        /** Runs the task on a group worker, or in the caller once the workers have stopped. */
        void execute(Runnable task);

        /** Runs the task after the delay; throws RejectedExecutionException once the consumer has stopped. */
        void schedule(Runnable task, long delayMs);

        /** A group has finished: one group fewer in flight. */
        void groupFinished();
    }

    private static final Logger LOG = LoggerFactory.getLogger(OrderedGroupRunner.class);

    private final String queue;
    private final OrderedOptions options;
    private final ConsumerStats stats;
    private final ConsumerBreaker breaker;
    private final MessageAcknowledgement acknowledgement;
    private final Processor processor;
    private final Host host;
    private final RetryPolicy retries;
    private final int visibilitySeconds;
    /** Successful messages so far: a failure counts towards poison only if others succeeded since the previous one. */
    private final AtomicLong successes = new AtomicLong();
    private final Set<GroupRun> waitingRetries = ConcurrentHashMap.newKeySet();

    OrderedGroupRunner(String queue, OrderedOptions options, int visibilitySeconds, ConsumerStats stats, ConsumerBreaker breaker,
            MessageAcknowledgement acknowledgement, Processor processor, Host host) {
        this.queue = queue;
        this.options = options;
        this.visibilitySeconds = visibilitySeconds;
        this.stats = stats;
        this.breaker = breaker;
        this.acknowledgement = acknowledgement;
        this.processor = processor;
        this.host = host;
        this.retries = new RetryPolicy(options, visibilitySeconds);
    }

    /** The run of one group of a batch received at {@code receivedAt} (System.nanoTime), to hand to a group worker. */
    Runnable run(MessageGroup group, BatchAcknowledgement batch, long receivedAt) {
        return new GroupRun(group, batch, receivedAt);
    }

    /** Gives the groups waiting for a retry back to SQS; used when the consumer stops. */
    void releaseWaiting() {
        for (GroupRun waiting : List.copyOf(waitingRetries)) {
            waiting.releaseIfWaiting();
        }
    }

    private void recordAttempt(boolean failed) {
        if (!failed) {
            breaker.record(false);
            return;
        }
        boolean wasOpen = breaker.isOpen();
        breaker.record(failed);
        if (!wasOpen && breaker.isOpen()) {
            stats.breakerOpenings.increment();
            LOG.warn("{}: {} failed attempts in a row, not receiving new messages for {} s", queue,
                    options.getBreakerThreshold(), options.getBreakerOpenSeconds());
        }
    }

    private void process(Exchange exchange) {
        try {
            processor.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }

    /**
     * The messages of one group of one batch, run in order on the group workers. Only one thread runs it at a time:
     * a retry is scheduled only after the attempt before it has returned.
     */
    private final class GroupRun implements Runnable {

        private final List<Exchange> exchanges;
        private final List<SqsMessage> messages;
        private final BatchAcknowledgement batch;
        private final long receivedAt;
        private final List<SqsMessage> done = new ArrayList<>();
        /** True while a retry of the head is scheduled and not yet started. */
        private final AtomicBoolean waiting = new AtomicBoolean();
        private boolean settled;
        /** Counted in the consumer's groups in flight until it finishes. */
        private boolean inFlight = true;
        private int next;
        // the head's attempts in this delivery
        private Map<String, Object> headHeaders;
        private RetryPolicy.Head head = retries.head();

        GroupRun(MessageGroup group, BatchAcknowledgement batch, long receivedAt) {
            this.exchanges = group.exchanges();
            this.messages = group.messages();
            this.batch = batch;
            this.receivedAt = receivedAt;
        }

        @Override
        public void run() {
            try {
                runMessages();
            } catch (Throwable unexpected) {
                // never leave the batch unsettled (its poller waits for it) or the messages kept invisible; after an
                // Error not visible again before a visibility timeout: an immediate retry could meet it again at once
                int seconds = RetryPolicy.isError(unexpected) ? retries.afterErrorSeconds() : 0;
                LOG.error("{}: group {} failed unexpectedly; its unfinished messages go back to SQS{}",
                        queue, messages.get(0).orderingKey(), seconds > 0 ? ", visible again in " + seconds + " s" : "",
                        unexpected);
                try {
                    acknowledgement.giveBack(messages.subList(Math.min(next, messages.size()), messages.size()), seconds);
                } finally {
                    finish();
                }
            } finally {
                MessageLogContext.leave();
            }
        }

        private void runMessages() {
            while (next < exchanges.size()) {
                if (!host.mayStart() || outOfTime()) {
                    // not processed: visible again at once, so that it is redelivered after what stopped the group
                    stats.released.add(exchanges.size() - next);
                    acknowledgement.giveBack(messages.subList(next, messages.size()), 0);
                    finish();
                    return;
                }
                Exchange exchange = attempt();
                // every line logged about this message, here and in the route, names it
                MessageLogContext.enter(exchange.getFromRouteId(), messages.get(next));
                process(exchange);
                if (!exchange.isFailed() && !exchange.isRollbackOnly() && !exchange.isRollbackOnlyLast()) {
                    if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) == null) {
                        // a clean success (not a parking): what it called answers
                        successes.incrementAndGet();
                        recordAttempt(false);
                    }
                    done.add(messages.get(next));
                    next++;
                    resetHead();
                    continue;
                }
                recordAttempt(true);
                if (RetryPolicy.isError(exchange.getException())) {
                    backAfterError(exchange);
                    return;
                }
                if (!hold(exchange)) {
                    return;
                }
                finish();
                return;
            }
            finish();
        }

        /** After an Error: the head and its followers go back to SQS for a visibility timeout, not retried at once. */
        private void backAfterError(Exchange failed) {
            SqsMessage message = messages.get(next);
            int seconds = retries.afterErrorSeconds();
            LOG.error("{}: message {} (group {}) failed with an Error; it goes back to SQS, visible again in {} s",
                    message.queue(), message.messageId(), message.groupId(), seconds, failed.getException());
            stats.kept.increment();
            stats.released.add(messages.size() - next - 1);
            acknowledgement.giveBack(messages.subList(next, messages.size()), seconds);
            finish();
        }

        /** The exchange for the head's next attempt: the received one first, then a fresh copy of it. */
        private Exchange attempt() {
            Exchange received = exchanges.get(next);
            if (head.failedAttempts() == 0) {
                headHeaders = new HashMap<>(received.getMessage().getHeaders());
                head.started(successes.get());
                received.setProperty(OrderedSqsConsumer.ATTEMPT, 1);
                return received;
            }
            Exchange retry = host.newExchange();
            retry.getMessage().setBody(messages.get(next).body());
            retry.getMessage().setHeaders(new HashMap<>(headHeaders));
            retry.setProperty(SqsMessage.PROPERTY, messages.get(next));
            retry.setProperty(OrderedSqsConsumer.ATTEMPT, head.failedAttempts() + 1);
            if (head.lastAttempt()) {
                retry.setProperty(OrderedSqsConsumer.LAST_ATTEMPT, true);
            }
            return retry;
        }

        /**
         * After a failed attempt of the head: schedules a retry in place and returns false, or gives the head and its
         * followers back to SQS and returns true (held too long, no heartbeat to hold with, or stopping).
         */
        private boolean hold(Exchange failed) {
            SqsMessage message = messages.get(next);
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedAt);
            RetryPolicy.Decision decision = head.failed(successes.get(), heldMillis, acknowledgement.holdsInFlight(),
                    host.mayStart(), failed.getProperty(OrderedSqsConsumer.RETRY_AFTER_MS, Long.class));
            if (!decision.retry()) {
                if (decision.heldTooLong()) {
                    LOG.warn("{}: message {} (group {}) failed for {} s, longer than maxHoldSeconds; it goes back to SQS",
                            message.queue(), message.messageId(), message.groupId(), RetryPolicy.seconds(heldMillis));
                }
                stats.kept.increment();
                stats.released.add(messages.size() - next - 1);
                acknowledgement.giveBack(messages.subList(next, messages.size()), decision.giveBackSeconds());
                return true;
            }
            long delay = decision.delayMs();
            int failedAttempts = head.failedAttempts();
            if (Integer.bitCount(failedAttempts) == 1) {
                // attempts 1, 2, 4, 8, ...: an outage of hours logs a few lines per message, not one per retry
                LOG.warn("{}: message {} (group {}, attempt {}) failed, its group waits; trying again in {} ms: {}",
                        message.queue(), message.messageId(), message.groupId(), failedAttempts, delay,
                        String.valueOf(failed.getException()));
            }
            LOG.debug("{}: failure of message {}", message.queue(), message.messageId(), failed.getException());
            stats.retried.increment();
            // what the group finished before its head failed is acknowledged now, and the poller may go on
            settle();
            waiting.set(true);
            waitingRetries.add(this);
            try {
                host.schedule(() -> {
                    if (waiting.compareAndSet(true, false)) {
                        waitingRetries.remove(this);
                        host.execute(this);
                    }
                }, delay);
            } catch (RejectedExecutionException stopped) {
                releaseIfWaiting();
            }
            return false;
        }

        /** Gives the held group back to SQS if its retry has not started; used when the consumer stops. */
        void releaseIfWaiting() {
            if (waiting.compareAndSet(true, false)) {
                waitingRetries.remove(this);
                stats.released.add(messages.size() - next);
                acknowledgement.giveBack(messages.subList(next, messages.size()), 0);
                finish();
            }
        }

        private void resetHead() {
            headHeaders = null;
            head = retries.head();
        }

        private boolean outOfTime() {
            // without the heartbeat nothing keeps a message invisible: start none after half the visibility timeout
            return !acknowledgement.holdsInFlight()
                    && System.nanoTime() - receivedAt > TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
        }

        private void settle() {
            if (!settled) {
                settled = true;
                List<SqsMessage> settling = List.copyOf(done);
                done.clear();
                batch.settle(settling);
            }
        }

        /** The group is over: its successes are deleted (with the batch's, if the batch still runs). */
        private void finish() {
            try {
                if (settled) {
                    if (!done.isEmpty()) {
                        acknowledgement.delete(List.copyOf(done), receivedAt);
                        done.clear();
                    }
                } else {
                    settle();
                }
            } finally {
                // counted out after its deletes: a FIFO receive waiting for it then finds the group's next messages
                if (inFlight) {
                    inFlight = false;
                    host.groupFinished();
                }
            }
        }
    }
}
