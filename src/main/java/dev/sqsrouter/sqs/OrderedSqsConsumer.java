package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes each received batch by group. Messages are grouped by FIFO MessageGroupId (on a standard queue each
 * message is its own group); a group's messages run one after another in receive order, groups run in parallel, and
 * each group is acknowledged (its successes deleted) as soon as it is done, without waiting for the other groups.
 * <p>
 * A message whose exchange fails (the route's failure policy left an exception: a transient failure) stops its
 * group, and the head is retried in place with capped exponential backoff while the group's messages stay in flight,
 * kept invisible by the {@link VisibilityHeartbeat}: an outage of any length costs no receive count, and followers are
 * never released untried. A group does not tie up its poller: on a FIFO queue the poller hands a batch's groups to
 * the workers and receives again at once (a standard queue's poller waits for its batch, whose ten messages already
 * run in parallel), as long as fewer groups are in flight than there are workers. Past {@code maxHoldSeconds} a held group goes back to SQS. A message that failed
 * {@code poisonAttempts} times while the consumer saw other messages succeed (so the target is not down for everyone)
 * gets one last attempt with {@link #LAST_ATTEMPT} set, on which the failure policy parks it instead of failing.
 * <p>
 * Every attempt feeds the consumer breaker: after many failures in a row it stops receiving new batches for a while.
 * With {@code extendMessageVisibility=false} nothing is held: a failed message is given back to SQS at once (after
 * {@code failedVisibilityTimeout}) with the rest of its group, and no message starts after half the visibility timeout.
 */
public class OrderedSqsConsumer extends Sqs2Consumer {

    /** Exchange property (Boolean): this attempt is the message's last; the failure policy parks it if it fails. */
    public static final String LAST_ATTEMPT = "sqsrouter.lastAttempt";
    /** Exchange property (Integer): the number of this attempt of the message within this delivery, from 1. */
    public static final String ATTEMPT = "sqsrouter.attempt";

    private static final Logger LOG = LoggerFactory.getLogger(OrderedSqsConsumer.class);
    private static final int DEFAULT_VISIBILITY_SECONDS = 30;

    private final OrderedOptions options;
    private final ConsumerStats stats;
    private final ConsumerBreaker breaker;
    /** Successful messages so far: a failure counts towards poison only if others succeeded since the previous one. */
    private final AtomicLong successes = new AtomicLong();
    private final Set<GroupRun> waitingRetries = ConcurrentHashMap.newKeySet();
    /** Groups received and not finished (running, waiting for a worker, or held for a retry in place). */
    private final AtomicInteger groupsInFlight = new AtomicInteger();
    private final Object groupsInFlightChanged = new Object();
    /** Polls under way: a stop waits for them before it shuts the pools their batches run on. */
    private final AtomicInteger activePolls = new AtomicInteger();
    /** The pollers receive no more while this many groups are in flight: the workers' capacity. */
    private int maxGroupsInFlight;
    private long maxHoldMillis;
    private volatile ExecutorService groupWorkers;
    private volatile ScheduledExecutorService timer;
    private volatile ScheduledExecutorService heartbeats;
    private volatile VisibilityHeartbeat heartbeat;
    private SqsAcknowledger acknowledger;

    OrderedSqsConsumer(OrderedSqsEndpoint endpoint, Processor processor, OrderedOptions options, ConsumerStats stats) {
        super(endpoint, processor);
        this.options = options;
        this.stats = stats;
        this.breaker = new ConsumerBreaker(options.getBreakerThreshold(), TimeUnit.SECONDS.toMillis(options.getBreakerOpenSeconds()));
        stats.breakerState = breaker::state;
    }

    @Override
    protected void doStart() throws Exception {
        String queue = getConfiguration().getQueueName();
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        int threads = Math.max(1, options.getGroupWorkers()) * Math.max(1, getConfiguration().getConcurrentConsumers());
        maxGroupsInFlight = threads;
        // released before SQS's 12 hour ceiling would refuse the next extension
        maxHoldMillis = options.maxHoldMillis(visibilitySeconds());
        // Abort, not Camel's default CallerRuns: after shutdown CallerRuns drops a task silently, and a dropped group
        // would never settle its batch; a rejection is caught and the task run (or given back) by the caller
        groupWorkers = executors.newThreadPool(this, "sqs-ordered[" + queue + "]", profile("sqs-ordered", threads));
        // only hands due work to the group workers: it never waits on SQS or a target
        timer = executors.newScheduledThreadPool(this, "sqs-ordered-timer[" + queue + "]", profile("sqs-ordered-timer", 1));
        acknowledger = new SqsAcknowledger(getClient(), this::getQueueUrl, queue, stats);
        if (options.isExtendMessageVisibility()) {
            int seconds = visibilitySeconds();
            heartbeats = executors.newScheduledThreadPool(this, "sqs-ordered-visibility[" + queue + "]",
                    profile("sqs-ordered-visibility", 1));
            heartbeat = new VisibilityHeartbeat((messages, to) -> {
                acknowledger.changeVisibility(messages, to, message -> true);
            }, messages -> {
                // a message deleted meanwhile is refused, which is no error
                acknowledger.changeVisibility(messages, seconds, this::isStillRunning);
                stats.visibilityExtensions.add(messages.size());
                LOG.debug("{}: extended the visibility of {} running messages to {} s", queue, messages.size(), seconds);
            }, heartbeats);
            long period = Math.max(200, TimeUnit.SECONDS.toMillis(seconds) / 3);
            heartbeats.scheduleWithFixedDelay(heartbeat, period, period, TimeUnit.MILLISECONDS);
        }
        super.doStart();
    }

    private static ThreadPoolProfile profile(String name, int threads) {
        return new ThreadPoolProfileBuilder(name).poolSize(threads).maxPoolSize(threads).maxQueueSize(-1)
                .allowCoreThreadTimeOut(false).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
    }

    private boolean isStillRunning(SqsMessage message) {
        VisibilityHeartbeat current = heartbeat;
        return current != null && current.isRunning(message);
    }

    @Override
    protected void doStop() throws Exception {
        // the batches under way settle first (their groups see the stop after the current message and give the rest
        // back); stopping the poll scheduler would interrupt them. A long poll under way ends within its wait time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, getConfiguration().getWaitTimeSeconds() == null
                ? 0 : getConfiguration().getWaitTimeSeconds()) + 5L);
        synchronized (activePolls) {
            while (activePolls.get() > 0 && deadline - System.nanoTime() > 0) {
                activePolls.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        super.doStop();
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        // groups waiting for a retry go back to SQS now, for another instance (or this one, restarted) to take over
        for (GroupRun waiting : List.copyOf(waitingRetries)) {
            waiting.releaseIfWaiting();
        }
        if (groupWorkers != null) {
            // running groups see the consumer stopping after their current message and give the rest back
            executors.shutdownGraceful(groupWorkers);
            groupWorkers = null;
        }
        if (timer != null) {
            executors.shutdownNow(timer);
            timer = null;
        }
        for (GroupRun waiting : List.copyOf(waitingRetries)) {
            waiting.releaseIfWaiting();
        }
        if (heartbeats != null) {
            // graceful: the releases queued on it run; the periodic extension ends
            executors.shutdownGraceful(heartbeats);
            heartbeats = null;
            heartbeat = null;
        }
    }

    /**
     * False once a stop has begun. Camel's graceful shutdown first suspends the consumer and tells it to complete only
     * the current task ({@link #isBatchAllowed()} turns false), waits for what is in flight, and only then stops it
     * ({@link #isRunAllowed()} turns false). Checking isRunAllowed() alone, a group went on through the rest of its batch
     * and a poll waited for an open breaker while that wait ran: with a slow or dead response server the stop took the
     * whole camel.main.shutdown-timeout and was then forced.
     */
    private boolean mayStart() {
        return isBatchAllowed() && !isSuspendingOrSuspended();
    }

    @Override
    protected int poll() throws Exception {
        if (breaker.isOpen()) {
            breaker.awaitClosed(this::mayStart);
            return 0;
        }
        if (groupsInFlight.get() >= maxGroupsInFlight) {
            // every worker has a group (running or held for a retry): receiving more would only keep more waiting
            synchronized (groupsInFlightChanged) {
                while (groupsInFlight.get() >= maxGroupsInFlight && mayStart()) {
                    groupsInFlightChanged.wait(1000);
                }
            }
            return 0;
        }
        activePolls.incrementAndGet();
        try {
            return super.poll();
        } finally {
            activePolls.decrementAndGet();
            synchronized (activePolls) {
                activePolls.notifyAll();
            }
        }
    }

    private void groupsInFlightChanged(int delta) {
        int now = groupsInFlight.addAndGet(delta);
        if (delta < 0 && now == maxGroupsInFlight - 1) {
            synchronized (groupsInFlightChanged) {
                groupsInFlightChanged.notifyAll();
            }
        }
    }

    @Override
    public int processBatch(Queue<Object> polled) throws Exception {
        long receivedAt = System.nanoTime();
        List<Exchange> batch = new ArrayList<>(polled.size());
        for (Object o : polled) {
            batch.add((Exchange) o);
        }
        polled.clear();
        if (batch.isEmpty()) {
            return 0;
        }
        stats.received.add(batch.size());

        Map<String, List<Exchange>> groups = new LinkedHashMap<>();
        List<SqsMessage> messages = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Exchange exchange = batch.get(i);
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, i);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, batch.size());
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, i == batch.size() - 1);
            SqsMessage message = SqsMessage.capture(exchange, getConfiguration().getQueueName(), options.getDeadLetterQueue());
            exchange.setProperty(SqsMessage.PROPERTY, message);
            messages.add(message);
            groups.computeIfAbsent(message.orderingKey(), k -> new ArrayList<>()).add(exchange);
        }
        if (heartbeat != null) {
            heartbeat.started(messages);
        }

        BatchAcknowledgement acknowledgement = new BatchAcknowledgement(groups.size(),
                done -> delete(done, receivedAt), this::later);
        groupsInFlightChanged(groups.size());
        for (List<Exchange> group : groups.values()) {
            execute(new GroupRun(group, acknowledgement, receivedAt));
        }
        if (messages.get(0).groupId() == null) {
            // a standard queue's batch is ten groups already: the poller waits for them, which paces the receives
            acknowledgement.awaitSettled();
        }
        // on a FIFO queue a receive mostly returns one group's messages: the poller hands them to a worker and
        // receives again at once, so that as many groups run as there are workers
        return batch.size();
    }

    /** Deletes finished messages, and only then stops extending their visibility. */
    private void delete(List<SqsMessage> done, long receivedAt) {
        if (heartbeat != null) {
            heartbeat.delete(done, () -> acknowledger.delete(done, receivedAt));
        } else {
            acknowledger.delete(done, receivedAt);
        }
    }

    /** Gives messages back to SQS, visible again after {@code seconds}. */
    private void giveBack(List<SqsMessage> messages, int seconds) {
        if (messages.isEmpty()) {
            return;
        }
        if (heartbeat != null) {
            heartbeat.release(messages, seconds);
        } else {
            acknowledger.changeVisibility(messages, seconds, message -> true);
        }
    }

    private void execute(Runnable task) {
        ExecutorService workers = groupWorkers;
        try {
            if (workers == null) {
                throw new RejectedExecutionException("stopped");
            }
            workers.execute(task);
        } catch (RejectedExecutionException stopped) {
            // the consumer is stopping: run here, where the run sees it and gives its messages back
            task.run();
        }
    }

    private void later(Runnable task) {
        ScheduledExecutorService current = timer;
        try {
            if (current == null) {
                throw new RejectedExecutionException("stopped");
            }
            current.schedule(() -> execute(task), BatchAcknowledgement.MAX_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            execute(task);
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
            LOG.warn("{}: {} failed attempts in a row, not receiving new messages for {} s", getConfiguration().getQueueName(),
                    options.getBreakerThreshold(), options.getBreakerOpenSeconds());
        }
    }

    private int visibilitySeconds() {
        Integer configured = getConfiguration().getVisibilityTimeout();
        return configured != null && configured > 0 ? configured : DEFAULT_VISIBILITY_SECONDS;
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
        /** Counted in groupsInFlight until it finishes. */
        private boolean inFlight = true;
        private int next;
        // the head's attempts in this delivery
        private Map<String, Object> headHeaders;
        private int failedAttempts;
        private int poisonFailures;
        private long successMark;
        private boolean lastAttempt;

        GroupRun(List<Exchange> exchanges, BatchAcknowledgement batch, long receivedAt) {
            this.exchanges = exchanges;
            this.messages = exchanges.stream().map(SqsMessage::of).toList();
            this.batch = batch;
            this.receivedAt = receivedAt;
        }

        @Override
        public void run() {
            try {
                runMessages();
            } catch (Throwable unexpected) {
                // never leave the batch unsettled (its poller waits for it) or the messages kept invisible
                LOG.error("{}: group {} failed unexpectedly; its unfinished messages go back to SQS",
                        getConfiguration().getQueueName(), messages.get(0).orderingKey(), unexpected);
                try {
                    giveBack(messages.subList(Math.min(next, messages.size()), messages.size()), 0);
                } finally {
                    finish();
                }
            }
        }

        private void runMessages() {
            while (next < exchanges.size()) {
                if (!mayStart() || outOfTime()) {
                    // not processed: visible again at once, so that it is redelivered after what stopped the group
                    stats.released.add(exchanges.size() - next);
                    giveBack(messages.subList(next, messages.size()), 0);
                    finish();
                    return;
                }
                Exchange exchange = attempt();
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
                if (!hold(exchange)) {
                    return;
                }
                finish();
                return;
            }
            finish();
        }

        /** The exchange for the head's next attempt: the received one first, then a fresh copy of it. */
        private Exchange attempt() {
            Exchange received = exchanges.get(next);
            if (failedAttempts == 0) {
                headHeaders = new HashMap<>(received.getMessage().getHeaders());
                successMark = successes.get();
                received.setProperty(ATTEMPT, 1);
                return received;
            }
            Exchange retry = createExchange(true);
            retry.getMessage().setBody(messages.get(next).body());
            retry.getMessage().setHeaders(new HashMap<>(headHeaders));
            retry.setProperty(SqsMessage.PROPERTY, messages.get(next));
            retry.setProperty(ATTEMPT, failedAttempts + 1);
            if (lastAttempt) {
                retry.setProperty(LAST_ATTEMPT, true);
            }
            return retry;
        }

        /**
         * After a failed attempt of the head: schedules a retry in place and returns false, or gives the head and its
         * followers back to SQS and returns true (held too long, no heartbeat to hold with, or stopping).
         */
        private boolean hold(Exchange failed) {
            SqsMessage head = messages.get(next);
            failedAttempts++;
            long now = successes.get();
            if (now > successMark) {
                poisonFailures++;
            }
            successMark = now;
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedAt);
            if (heartbeat == null || !mayStart() || heldMillis >= maxHoldMillis) {
                if (heartbeat != null && mayStart()) {
                    LOG.warn("{}: message {} (group {}) failed for {} s, longer than maxHoldSeconds; it goes back to SQS",
                            head.queue(), head.messageId(), head.groupId(), heldMillis / 1000);
                }
                int seconds = mayStart() ? Math.max(0, options.getFailedVisibilityTimeout()) : 0;
                stats.kept.increment();
                stats.released.add(messages.size() - next - 1);
                giveBack(messages.subList(next, messages.size()), seconds);
                return true;
            }
            if (options.getPoisonAttempts() > 0 && poisonFailures >= options.getPoisonAttempts()) {
                lastAttempt = true;
            }
            long delay = options.retryDelayMs(failedAttempts);
            if (Integer.bitCount(failedAttempts) == 1) {
                // attempts 1, 2, 4, 8, ...: an outage of hours logs a few lines per message, not one per retry
                LOG.warn("{}: message {} (group {}, attempt {}) failed, its group waits; trying again in {} ms: {}",
                        head.queue(), head.messageId(), head.groupId(), failedAttempts, delay,
                        String.valueOf(failed.getException()));
            }
            LOG.debug("{}: failure of message {}", head.queue(), head.messageId(), failed.getException());
            stats.retried.increment();
            // what the group finished before its head failed is acknowledged now, and the poller may go on
            settle();
            waiting.set(true);
            waitingRetries.add(this);
            ScheduledExecutorService current = timer;
            try {
                if (current == null) {
                    throw new RejectedExecutionException("stopped");
                }
                current.schedule(() -> {
                    if (waiting.compareAndSet(true, false)) {
                        waitingRetries.remove(this);
                        execute(this);
                    }
                }, delay, TimeUnit.MILLISECONDS);
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
                giveBack(messages.subList(next, messages.size()), 0);
                finish();
            }
        }

        private void resetHead() {
            headHeaders = null;
            failedAttempts = 0;
            poisonFailures = 0;
            lastAttempt = false;
        }

        private boolean outOfTime() {
            // without the heartbeat nothing keeps a message invisible: start none after half the visibility timeout
            return heartbeat == null
                    && System.nanoTime() - receivedAt > TimeUnit.SECONDS.toNanos(visibilitySeconds()) / 2;
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
            if (inFlight) {
                inFlight = false;
                groupsInFlightChanged(-1);
            }
            if (settled) {
                if (!done.isEmpty()) {
                    delete(List.copyOf(done), receivedAt);
                    done.clear();
                }
            } else {
                settle();
            }
        }
    }

    private void process(Exchange exchange) {
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
    }
}
