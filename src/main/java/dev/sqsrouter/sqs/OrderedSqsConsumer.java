package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes each received batch by group, composed of small parts: the grouping step ({@link MessageGrouping}) splits
 * the batch into groups (FIFO MessageGroupId; on a standard queue each message is its own group), the ordered runner
 * ({@link OrderedGroupRunner}) runs each group's messages one after another on the group workers while groups run in
 * parallel, and the acknowledgement part ({@link BatchAcknowledgement}, {@link MessageAcknowledgement}) deletes each
 * group's successes as soon as the group is done, without waiting for the other groups, while the
 * {@link VisibilityHeartbeat} keeps every message invisible until then.
 * <p>
 * A failing message stops its group and is retried in place while the group stays in flight (see the runner): an
 * outage of any length costs no receive count, and followers are never released untried. A group does not tie up its
 * poller: on a FIFO queue the poller hands a batch's groups to the workers and receives again at once (a standard
 * queue's poller waits for its batch, whose ten messages already run in parallel), as long as fewer groups are in
 * flight than there are workers. After many failed attempts in a row the breaker stops receiving new batches for a
 * while. With {@code extendMessageVisibility=false} nothing is held: a failed message is given back to SQS at once
 * (after {@code failedVisibilityTimeout}) with the rest of its group, and no message starts after half the visibility
 * timeout.
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
    /** Groups received and not finished (running, waiting for a worker, or held for a retry in place). */
    private final AtomicInteger groupsInFlight = new AtomicInteger();
    private final Object groupsInFlightChanged = new Object();
    /** Polls under way: a stop waits for them before it shuts the pools their batches run on. */
    private final AtomicInteger activePolls = new AtomicInteger();
    /** The pollers receive no more while this many groups are in flight: the workers' capacity. */
    private int maxGroupsInFlight;
    private volatile ExecutorService groupWorkers;
    private volatile ScheduledExecutorService timer;
    private volatile ScheduledExecutorService heartbeats;
    private MessageGrouping grouping;
    private MessageAcknowledgement acknowledgement;
    private OrderedGroupRunner runner;

    OrderedSqsConsumer(OrderedSqsEndpoint endpoint, Processor processor, OrderedOptions options, ConsumerStats stats) {
        super(endpoint, processor);
        this.options = options;
        this.stats = stats;
        this.breaker = new ConsumerBreaker(options.getBreakerThreshold(),
                TimeUnit.SECONDS.toMillis(options.getBreakerOpenSeconds()));
        stats.breakerState = breaker::state;
    }

    @Override
    protected void doStart() throws Exception {
        String queue = getConfiguration().getQueueName();
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        int threads = options.getGroupWorkers() * Math.max(1, getConfiguration().getConcurrentConsumers());
        maxGroupsInFlight = threads;
        // Abort, not Camel's default CallerRuns: after shutdown CallerRuns drops a task silently, and a dropped group
        // would never settle its batch; a rejection is caught and the task run (or given back) by the caller
        groupWorkers = executors.newThreadPool(this, "sqs-ordered[" + queue + "]", profile("sqs-ordered", threads));
        // only hands due work to the group workers: it never waits on SQS or a target
        timer = executors.newScheduledThreadPool(this, "sqs-ordered-timer[" + queue + "]", profile("sqs-ordered-timer", 1));
        SqsAcknowledger acknowledger = new SqsAcknowledger(getClient(), this::getQueueUrl, queue, stats);
        int seconds = visibilitySeconds();
        VisibilityHeartbeat heartbeat = null;
        if (options.isExtendMessageVisibility()) {
            heartbeats = executors.newScheduledThreadPool(this, "sqs-ordered-visibility[" + queue + "]",
                    profile("sqs-ordered-visibility", 1));
            heartbeat = new VisibilityHeartbeat((messages, to) -> {
                acknowledger.changeVisibility(messages, to, message -> true);
            }, messages -> {
                // a message deleted meanwhile is refused, which is no error
                acknowledger.changeVisibility(messages, seconds, message -> acknowledgement.isInFlight(message));
                stats.visibilityExtensions.add(messages.size());
                LOG.debug("{}: extended the visibility of {} running messages to {} s", queue, messages.size(), seconds);
            }, heartbeats);
        }
        if (heartbeat != null) {
            VisibilityHeartbeat held = heartbeat;
            stats.inFlight = held::runningCount;
            stats.oldestInFlightSentAt = held::oldestSentAt;
        }
        grouping = new MessageGrouping(queue);
        acknowledgement = new MessageAcknowledgement(acknowledger, heartbeat);
        runner = new OrderedGroupRunner(queue, options, seconds, stats, breaker, acknowledgement, getProcessor(), new RunnerHost());
        if (heartbeat != null) {
            long period = Math.max(200, TimeUnit.SECONDS.toMillis(seconds) / 3);
            heartbeats.scheduleWithFixedDelay(heartbeat, period, period, TimeUnit.MILLISECONDS);
        }
        super.doStart();
    }

    private static ThreadPoolProfile profile(String name, int threads) {
        return new ThreadPoolProfileBuilder(name).poolSize(threads).maxPoolSize(threads).maxQueueSize(-1)
                .allowCoreThreadTimeOut(false).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
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
        if (runner != null) {
            runner.releaseWaiting();
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
        if (runner != null) {
            runner.releaseWaiting();
        }
        if (heartbeats != null) {
            // graceful: the releases queued on it run; the periodic extension ends
            executors.shutdownGraceful(heartbeats);
            heartbeats = null;
            if (acknowledgement != null) {
                acknowledgement.heartbeatStopped();
            }
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

        List<MessageGroup> groups = grouping.group(batch);
        for (MessageGroup group : groups) {
            acknowledgement.received(group.messages());
        }

        BatchAcknowledgement batchAcknowledgement = new BatchAcknowledgement(groups.size(),
                done -> acknowledgement.delete(done, receivedAt), this::later);
        groupsInFlightChanged(groups.size());
        for (MessageGroup group : groups) {
            execute(runner.run(group, batchAcknowledgement, receivedAt));
        }
        if (!groups.get(0).isFifo()) {
            // a standard queue's batch is ten groups already: the poller waits for them, which paces the receives
            batchAcknowledgement.awaitSettled();
        }
        // on a FIFO queue a receive mostly returns one group's messages: the poller hands them to a worker and
        // receives again at once, so that as many groups run as there are workers
        return batch.size();
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

    private int visibilitySeconds() {
        Integer configured = getConfiguration().getVisibilityTimeout();
        return configured != null && configured > 0 ? configured : DEFAULT_VISIBILITY_SECONDS;
    }

    /** The consumer as its runner sees it. */
    private final class RunnerHost implements OrderedGroupRunner.Host {

        @Override
        public boolean mayStart() {
            return OrderedSqsConsumer.this.mayStart();
        }

        @Override
        public Exchange newExchange() {
            return createExchange(true);
        }

        @Override
        public void execute(Runnable task) {
            OrderedSqsConsumer.this.execute(task);
        }

        @Override
        public void schedule(Runnable task, long delayMs) {
            ScheduledExecutorService current = timer;
            if (current == null) {
                throw new RejectedExecutionException("stopped");
            }
            current.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void groupFinished() {
            groupsInFlightChanged(-1);
        }
    }
}
