package dev.sqsrouter.sqs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Receives from one queue and hands each received batch, by group, to its parts; it owns only their lifecycle and the
 * receives. The grouping step ({@link MessageGrouping}) splits a batch into groups (FIFO MessageGroupId; on a standard
 * queue each message is its own group); the ordered runner ({@link OrderedGroupRunner}) runs each group's messages one
 * after another on a virtual thread of its own ({@link GroupThreads}) while groups run in parallel; the acknowledgement
 * part ({@link BatchAcknowledgement}, {@link MessageAcknowledgement}) deletes each group's successes as soon as the
 * group is done, while the {@link VisibilityHeartbeat} keeps every message invisible until then.
 * <p>
 * The receives follow the work: the long-polling receive loops (concurrentConsumers) hand a batch's groups to their
 * threads and receive again at once, and while receives return messages further receives start
 * ({@link ReceiveScaling}), up to {@code maxGroupsInFlight} groups in flight ({@link GroupAdmission}). A failing message
 * stops its group and is retried in place while the group stays in flight (see the runner): an outage of any length
 * costs no receive count, and followers are never released untried. After many failed attempts in a row the breaker
 * ({@link ConsumerBreaker}) stops the receives for a while. With {@code extendMessageVisibility=false} nothing is held:
 * a failed message is given back to SQS at once (after {@code failedVisibilityTimeout}) with the rest of its group, and
 * no message starts after half the visibility timeout.
 */
public class OrderedSqsConsumer extends Sqs2Consumer {

    /** Exchange property (Boolean): this attempt is the message's last; the failure policy parks it if it fails. */
    public static final String LAST_ATTEMPT = "sqsrouter.lastAttempt";
    /** Exchange property (Integer): the number of this attempt of the message within this delivery, from 1. */
    public static final String ATTEMPT = "sqsrouter.attempt";
    /**
     * Exchange property a flow sets on a failed exchange (Long, milliseconds): the target asked to be tried again no
     * sooner (HTTP Retry-After); the next in-place retry waits that long, at most retryMaxDelayMs.
     */
    public static final String RETRY_AFTER_MS = "sqsrouter.retryAfterMs";

    private static final Logger LOG = LoggerFactory.getLogger(OrderedSqsConsumer.class);
    private static final int DEFAULT_VISIBILITY_SECONDS = 30;
    /** Longest wait of a FIFO receive loop for one of its own groups to finish before it receives again. */
    static final long BUSY_WAIT_MS = 1000;
    /** The longest wait between receives that fail in a row. */
    static final long MAX_RECEIVE_BACKOFF_MS = 30_000;
    /** Answers in a row that are not full (fewer than ten messages) that end an extra receive loop. */
    static final int NOT_FULL_ANSWERS_TO_END = 3;

    private final AtomicInteger receiveFailures = new AtomicInteger();
    private final OrderedOptions options;
    private final ConsumerStats stats;
    private final ConsumerBreaker breaker;
    private final GroupAdmission admission;
    /** Receives under way: a stop waits for them before it stops the threads their groups run on. */
    private final AtomicInteger activeReceives = new AtomicInteger();
    private final boolean fifo;
    private volatile GroupThreads threads;
    private volatile ScheduledExecutorService heartbeats;
    private SqsReceiver receiver;
    private ReceiveScaling scaling;
    private MessageGrouping grouping;
    private MessageAcknowledgement acknowledgement;
    private OrderedGroupRunner runner;

    OrderedSqsConsumer(OrderedSqsEndpoint endpoint, Processor processor, OrderedOptions options, ConsumerStats stats) {
        super(endpoint, processor);
        this.options = options;
        this.stats = stats;
        this.breaker = new ConsumerBreaker(options.getBreakerThreshold(),
                TimeUnit.SECONDS.toMillis(options.getBreakerOpenSeconds()));
        this.admission = new GroupAdmission(options.getMaxGroupsInFlight());
        this.fifo = endpoint.getConfiguration().getQueueName().endsWith(".fifo");
        stats.breakerState = breaker::state;
        stats.groupsInFlightCount = admission::inFlight;
    }

    @Override
    protected void doStart() throws Exception {
        // a stop before this start told the consumer to complete only the current task: a new start runs again. (aws2-sqs
        // clears it at every poll, but here the receive loops go on during a stop and must keep seeing it)
        shutdownRunningTask = null;
        String queue = getConfiguration().getQueueName();
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        threads = new GroupThreads(this, queue, executors);
        int pollers = Math.max(1, getConfiguration().getConcurrentConsumers());
        scaling = new ReceiveScaling(options.concurrentReceives(pollers), pollers);
        receiver = new SqsReceiver(getClient(), this::getQueueUrl, getConfiguration());
        SqsAcknowledger acknowledger = new SqsAcknowledger(getClient(), this::getQueueUrl, queue, stats);
        int seconds = visibilitySeconds();
        VisibilityHeartbeat heartbeat = null;
        if (options.isExtendMessageVisibility()) {
            heartbeats = executors.newScheduledThreadPool(this, "sqs-ordered-visibility[" + queue + "]",
                    new ThreadPoolProfileBuilder("sqs-ordered-visibility").poolSize(1).maxPoolSize(1).maxQueueSize(-1)
                            .allowCoreThreadTimeOut(false).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
            heartbeat = new VisibilityHeartbeat((messages, to) -> {
                acknowledger.changeVisibility(messages, to, message -> true);
            }, messages -> {
                // a message deleted meanwhile is refused, which is no error
                acknowledger.changeVisibility(messages, seconds, message -> acknowledgement.isInFlight(message));
                stats.visibilityExtensions.add(messages.size());
                LOG.debug("{}: extended the visibility of {} running messages to {} s", queue, messages.size(), seconds);
            }, heartbeats);
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

    @Override
    protected void doStop() throws Exception {
        // the receives under way hand their batches over first (their groups see the stop after the current message and
        // give the rest back); stopping the poll scheduler would interrupt them. A long poll ends within its wait time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, getConfiguration().getWaitTimeSeconds() == null
                ? 0 : getConfiguration().getWaitTimeSeconds()) + 5L);
        synchronized (activeReceives) {
            while (activeReceives.get() > 0 && deadline - System.nanoTime() > 0) {
                activeReceives.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        super.doStop();
        // groups waiting for a retry go back to SQS now, for another instance (or this one, restarted) to take over
        if (runner != null) {
            runner.releaseWaiting();
        }
        if (threads != null) {
            // running groups see the consumer stopping after their current message and give the rest back
            threads.stop();
            threads = null;
        }
        if (runner != null) {
            runner.releaseWaiting();
        }
        if (heartbeats != null) {
            // graceful: the releases queued on it run; the periodic extension ends
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(heartbeats);
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
        // no exchange waits in a poll of its own: each batch is handed over at once
        pendingExchanges = 0;
        if (breaker.isOpen()) {
            breaker.awaitClosed(this::mayStart);
            return 0;
        }
        // every group the cap allows is in flight (running or held for a retry): receiving more would only keep more waiting
        if (!admission.awaitRoom(this::mayStart) || !mayStart()) {
            return 0;
        }
        if (fifo && admission.inFlight() > 0) {
            return receiveAroundOwnGroups();
        }
        activeReceives.incrementAndGet();
        try {
            List<Message> messages = receive(waitSeconds());
            // SQS answered: the consumer is ready
            forceConsumerAsReady();
            return dispatch(messages);
        } finally {
            receiveEnded();
        }
    }

    /**
     * A FIFO receive while this consumer has groups in flight: at once, and when nothing came, a wait for one of its own
     * groups to finish (at most {@link #BUSY_WAIT_MS}) instead of a long poll. The queue's messages are then mostly
     * behind those groups, and nothing of them becomes receivable before one finishes; a long poll would wait as long,
     * and on ElasticMQ it spins while it waits, taking the queue from the other receives. A new group a producer starts
     * meanwhile is received at the next finish, or within {@link #BUSY_WAIT_MS}.
     */
    private int receiveAroundOwnGroups() throws Exception {
        long seen = admission.finishes();
        activeReceives.incrementAndGet();
        try {
            List<Message> messages = receive(0);
            forceConsumerAsReady();
            if (!messages.isEmpty()) {
                return dispatch(messages);
            }
        } finally {
            receiveEnded();
        }
        // outside the receive: a stop does not wait for this wait, which sees it within a second
        admission.awaitFinish(seen, Math.min(BUSY_WAIT_MS, TimeUnit.SECONDS.toMillis(Math.max(1, waitSeconds()))),
                this::mayStart);
        return 0;
    }

    /**
     * One ReceiveMessage call. The caller counts it in {@link #activeReceives} together with the hand-over of what it
     * brought ({@link #dispatch}), so that a stop waits for both: between them the messages are in no group yet.
     */
    private List<Message> receive(int waitSeconds) {
        List<Message> messages;
        try {
            messages = receiver.receive(waitSeconds);
            receiveFailures.set(0);
        } catch (RuntimeException e) {
            backOffAfterFailedReceive(e);
            throw e;
        }
        stats.receives.increment();
        if (messages.isEmpty()) {
            stats.emptyReceives.increment();
        }
        return messages;
    }

    /** Hands the received messages to their groups' threads; while receives return messages, starts another. */
    private int dispatch(List<Message> messages) throws Exception {
        if (messages.isEmpty()) {
            return 0;
        }
        int count = processBatch(new ArrayDeque<Object>(createExchanges(messages)));
        GroupThreads current = threads;
        // a full batch: the queue has more waiting, and one more receive keeps more groups busy (it ends when its
        // answers stop coming full); a batch that is not full took what there was, and a trickle needs no more receives
        if (messages.size() >= OrderedOptions.SQS_RECEIVE_LIMIT && current != null && mayStart() && scaling.startAnother(admission.room())) {
            stats.extraReceiveLoops.increment();
            current.execute(this::receiveWhileBusy);
        }
        return count;
    }

    /**
     * After a receive that failed (SQS unreachable, the queue missing): waits 1 s, doubling with each failure in a
     * row up to 30 s, before the failure reaches Camel's poll, which logs it and polls again. A stop ends the wait.
     */
    private void backOffAfterFailedReceive(RuntimeException e) {
        int failures = receiveFailures.incrementAndGet();
        long waitMillis = Math.min(MAX_RECEIVE_BACKOFF_MS, 1000L << Math.min(failures - 1, 5));
        if (failures == 1) {
            LOG.warn("{}: a receive failed ({}); receiving again after {} ms, then less often while it fails (up to every {} s)",
                    getConfiguration().getQueueName(), e.getMessage(), waitMillis, MAX_RECEIVE_BACKOFF_MS / 1000);
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        try {
            while (mayStart() && System.nanoTime() < until) {
                Thread.sleep(Math.min(200, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void receiveEnded() {
        if (activeReceives.decrementAndGet() == 0) {
            synchronized (activeReceives) {
                activeReceives.notifyAll();
            }
        }
    }

    /**
     * An extra receive loop: receives without waiting while answers come full (a backlog) and the cap leaves room; it
     * ends after {@link #NOT_FULL_ANSWERS_TO_END} answers in a row that are not. A receive that does not wait may come
     * back short while messages are there (SQS asks only some of its servers, ElasticMQ one group), hence more than
     * one; and one that waits returns at its first message, often alone (ElasticMQ), where one that does not wait fills
     * its ten. Under a trickle (answers of a message or two) extra receives would only spin: each costs the broker a
     * call (and SQS bills it), for what the long-polling loop receives as well.
     */
    private void receiveWhileBusy() {
        try {
            int notFull = 0;
            while (mayStart() && !breaker.isOpen() && scaling.mayGoOn(admission.room())) {
                int received;
                activeReceives.incrementAndGet();
                try {
                    received = dispatch(receive(0));
                } finally {
                    receiveEnded();
                }
                if (received >= OrderedOptions.SQS_RECEIVE_LIMIT) {
                    notFull = 0;
                } else if (++notFull >= NOT_FULL_ANSWERS_TO_END) {
                    return;
                }
            }
        } catch (Exception e) {
            // the long-polling loops report receive errors; an extra one just ends
            LOG.debug("{}: an extra receive ended: {}", getConfiguration().getQueueName(), e.toString());
        } finally {
            scaling.ended();
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
        GroupThreads current = threads;
        BatchAcknowledgement batchAcknowledgement = new BatchAcknowledgement(groups.size(),
                done -> acknowledgement.delete(done, receivedAt), task -> later(current, task));
        admission.admitted(groups.size());
        for (MessageGroup group : groups) {
            execute(current, runner.run(group, batchAcknowledgement, receivedAt));
        }
        return batch.size();
    }

    private static void execute(GroupThreads current, Runnable task) {
        if (current == null) {
            // the consumer has stopped: run here, where the run sees it and gives its messages back
            task.run();
        } else {
            current.execute(task);
        }
    }

    private static void later(GroupThreads current, Runnable task) {
        if (current == null) {
            task.run();
        } else {
            current.later(task, BatchAcknowledgement.MAX_WAIT_MS);
        }
    }

    private int waitSeconds() {
        Integer configured = getConfiguration().getWaitTimeSeconds();
        return configured == null ? 0 : configured;
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
            OrderedSqsConsumer.execute(threads, task);
        }

        @Override
        public void schedule(Runnable task, long delayMs) {
            GroupThreads current = threads;
            if (current == null) {
                throw new RejectedExecutionException("stopped");
            }
            current.schedule(task, delayMs);
        }

        @Override
        public void groupFinished() {
            admission.finished();
        }
    }
}
