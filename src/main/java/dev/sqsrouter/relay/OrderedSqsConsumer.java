package dev.sqsrouter.relay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;

/**
 * Processes one received batch as a unit. Messages are grouped by FIFO MessageGroupId (on a standard queue each
 * message is its own group); a group's messages run one after another in receive order, groups run in parallel.
 * A failed message stops its group: the rest of that group is not processed and is made visible again, so SQS
 * hands it out again after the failed one. Successes are deleted with DeleteMessageBatch after the whole batch;
 * failed messages are never deleted here.
 * <p>
 * While a batch runs, a heartbeat extends the visibility timeout of its unfinished messages every third of that
 * timeout ({@code extendMessageVisibility}, on by default), so that SQS never hands a message of a running batch to
 * another consumer. With the heartbeat off, the consumer stops starting messages after half the visibility timeout
 * and releases the rest.
 * <p>
 * Success means the exchange completed without an exception: the route's failure policy decides what a handled
 * failure is (parked in the failure store) and what must stay in SQS (an exception left on the exchange).
 */
public class OrderedSqsConsumer extends Sqs2Consumer {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedSqsConsumer.class);
    private static final int SQS_BATCH_LIMIT = 10;
    private static final int DEFAULT_VISIBILITY_SECONDS = 30;

    private final OrderedOptions options;
    private final RelayStats stats;
    private final ConsumerBreaker breaker;
    private ExecutorService groupWorkers;
    private ScheduledExecutorService heartbeats;
    private VisibilityHeartbeat heartbeat;

    OrderedSqsConsumer(OrderedSqsEndpoint endpoint, Processor processor, OrderedOptions options, RelayStats stats) {
        super(endpoint, processor);
        this.options = options;
        this.stats = stats;
        this.breaker = new ConsumerBreaker(options.breakerThreshold(), TimeUnit.SECONDS.toMillis(options.breakerOpenSeconds()));
        stats.breakerState = breaker::state;
    }

    @Override
    protected void doStart() throws Exception {
        int threads = Math.max(1, options.groupWorkers()) * Math.max(1, getConfiguration().getConcurrentConsumers());
        groupWorkers = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "sqs-ordered[" + getConfiguration().getQueueName() + "]", threads);
        if (options.extendMessageVisibility()) {
            int seconds = visibilitySeconds();
            heartbeat = new VisibilityHeartbeat(unfinished -> {
                changeVisibility(unfinished, seconds);
                stats.visibilityExtensions.add(unfinished.size());
                LOG.debug("{}: extended the visibility of {} running messages to {} s", getConfiguration().getQueueName(),
                        unfinished.size(), seconds);
            });
            heartbeats = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "sqs-ordered-visibility[" + getConfiguration().getQueueName() + "]");
            long period = Math.max(200, TimeUnit.SECONDS.toMillis(seconds) / 3);
            heartbeats.scheduleAtFixedRate(heartbeat, period, period, TimeUnit.MILLISECONDS);
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (groupWorkers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(groupWorkers);
            groupWorkers = null;
        }
        if (heartbeats != null) {
            // after the group workers, so that the batches they ran kept their messages invisible to the end
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(heartbeats);
            heartbeats = null;
            heartbeat = null;
        }
    }

    @Override
    protected int poll() throws Exception {
        if (breaker.isOpen()) {
            breaker.awaitClosed(this::isRunAllowed);
            return 0;
        }
        return super.poll();
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
        for (int i = 0; i < batch.size(); i++) {
            Exchange exchange = batch.get(i);
            exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, i);
            exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, batch.size());
            exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, i == batch.size() - 1);
            SqsMessage message = SqsMessage.capture(exchange, getConfiguration().getQueueName(), options.deadLetterQueue());
            exchange.setProperty(SqsMessage.PROPERTY, message);
            groups.computeIfAbsent(message.orderingKey(), k -> new ArrayList<>()).add(exchange);
        }

        VisibilityHeartbeat heartbeat = this.heartbeat;
        Acknowledgements acks = new Acknowledgements(heartbeat);
        List<SqsMessage> messages = batch.stream().map(SqsMessage::of).toList();
        BooleanSupplier outOfTime = () -> false;
        if (heartbeat != null) {
            heartbeat.started(messages);
        } else {
            long deadline = receivedAt + TimeUnit.SECONDS.toNanos(visibilitySeconds()) / 2;
            outOfTime = () -> System.nanoTime() - deadline > 0;
        }
        try {
            if (groups.size() == 1) {
                runGroup(groups.values().iterator().next(), acks, outOfTime);
            } else {
                List<CompletableFuture<Void>> running = new ArrayList<>(groups.size());
                for (List<Exchange> group : groups.values()) {
                    BooleanSupplier groupOutOfTime = outOfTime;
                    running.add(CompletableFuture.runAsync(() -> runGroup(group, acks, groupOutOfTime), groupWorkers));
                }
                CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
            }
        } finally {
            if (heartbeat != null) {
                messages.forEach(heartbeat::finished);
            }
        }

        Runnable acknowledge = () -> {
            // delete before releasing: a released message of a group must not pass a success still in flight
            deleteAll(acks.delete, receivedAt);
            changeVisibility(acks.release, 0);
            if (options.failedVisibilityTimeout() >= 0) {
                changeVisibility(acks.keep, options.failedVisibilityTimeout());
            }
        };
        if (heartbeat != null) {
            heartbeat.acknowledge(acknowledge);
        } else {
            acknowledge.run();
        }
        stats.released.add(acks.release.size());
        stats.kept.add(acks.keep.size());
        boolean failed = acks.delete.isEmpty() && !acks.keep.isEmpty();
        boolean wasOpen = breaker.isOpen();
        breaker.record(failed);
        if (!wasOpen && breaker.isOpen()) {
            stats.breakerOpenings.increment();
            LOG.warn("{}: {} failed batches in a row, not receiving for {} s so that messages keep their receive counts",
                    getConfiguration().getQueueName(), options.breakerThreshold(), options.breakerOpenSeconds());
        }
        return batch.size();
    }

    private void runGroup(List<Exchange> group, Acknowledgements acks, BooleanSupplier outOfTime) {
        boolean stopped = false;
        for (Exchange exchange : group) {
            SqsMessage message = SqsMessage.of(exchange);
            if (stopped || !isRunAllowed() || outOfTime.getAsBoolean()) {
                // not processed: make it visible again so that it is redelivered after what stopped the group
                acks.add(acks.release, message);
                continue;
            }
            process(exchange);
            if (exchange.isFailed()) {
                stopped = true;
                acks.add(acks.keep, message);
            } else {
                acks.add(acks.delete, message);
            }
        }
    }

    private void process(Exchange exchange) {
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Exception failure = exchange.getException();
        if (failure != null) {
            SqsMessage message = SqsMessage.of(exchange);
            LOG.warn("{}: message {} (group {}, receive {}) kept in SQS for redelivery, its group waits: {}",
                    message.queue(), message.messageId(), message.groupId(), message.receiveCount(), failure.toString());
            LOG.debug("{}: failure of message {}", message.queue(), message.messageId(), failure);
        }
    }

    private void deleteAll(Queue<SqsMessage> messages, long receivedAt) {
        forEachChunk(messages, chunk -> {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            var response = getClient().deleteMessageBatch(b -> b.queueUrl(getQueueUrl()).entries(entries));
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - receivedAt);
            for (int i = 0; i < response.successful().size(); i++) {
                stats.latency.recordMicros(micros);
            }
            stats.deleted.add(response.successful().size());
            return response.failed();
        }, "delete");
    }

    private void changeVisibility(Collection<SqsMessage> messages, int seconds) {
        forEachChunk(messages, chunk -> {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(seconds).build());
            }
            return getClient().changeMessageVisibilityBatch(b -> b.queueUrl(getQueueUrl()).entries(entries)).failed();
        }, "change visibility of");
    }

    private void forEachChunk(Collection<SqsMessage> messages, Function<List<SqsMessage>, List<BatchResultErrorEntry>> call,
            String what) {
        List<SqsMessage> all = new ArrayList<>(messages);
        for (int from = 0; from < all.size(); from += SQS_BATCH_LIMIT) {
            List<SqsMessage> chunk = all.subList(from, Math.min(all.size(), from + SQS_BATCH_LIMIT));
            try {
                for (BatchResultErrorEntry error : call.apply(chunk)) {
                    SqsMessage message = chunk.get(Integer.parseInt(error.id()));
                    stats.acknowledgeErrors.increment();
                    LOG.warn("{}: could not {} message {} ({}: {}); SQS will deliver it again",
                            message.queue(), what, message.messageId(), error.code(), error.message());
                }
            } catch (SdkException e) {
                stats.acknowledgeErrors.add(chunk.size());
                LOG.warn("{}: could not {} {} messages; SQS will deliver them again", getConfiguration().getQueueName(),
                        what, chunk.size(), e);
            }
        }
    }

    private int visibilitySeconds() {
        Integer configured = getConfiguration().getVisibilityTimeout();
        return configured != null && configured > 0 ? configured : DEFAULT_VISIBILITY_SECONDS;
    }

    /** What to do with each message of a batch once it is done; filled from several group workers. */
    private static final class Acknowledgements {
        final Queue<SqsMessage> delete = new ConcurrentLinkedQueue<>();
        final Queue<SqsMessage> keep = new ConcurrentLinkedQueue<>();
        final Queue<SqsMessage> release = new ConcurrentLinkedQueue<>();
        final VisibilityHeartbeat heartbeat;

        Acknowledgements(VisibilityHeartbeat heartbeat) {
            this.heartbeat = heartbeat;
        }

        void add(Queue<SqsMessage> outcome, SqsMessage message) {
            outcome.add(message);
            if (heartbeat != null) {
                heartbeat.finished(message);
            }
        }
    }
}
