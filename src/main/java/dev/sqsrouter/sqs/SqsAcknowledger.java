package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;

/**
 * The SQS calls that settle received messages: deletes and visibility changes, in batches of ten. An interrupt already
 * pending on the calling thread (a stop under way) is set aside for the calls and restored after them, so that a
 * message whose outcome is known is acknowledged rather than delivered again. Errors are logged and counted, never
 * thrown: SQS then delivers the message again. The SDK client, not a Camel producer: the consumer settles by receipt
 * handle, in batches, and aws2-sqs has no operation for a batch of visibility changes.
 */
final class SqsAcknowledger {

    private static final Logger LOG = LoggerFactory.getLogger(SqsAcknowledger.class);
    private static final int SQS_BATCH_LIMIT = 10;

    private final SqsClient client;
    private final Supplier<String> queueUrl;
    private final String queueName;
    private final ConsumerStats stats;

    SqsAcknowledger(SqsClient client, Supplier<String> queueUrl, String queueName, ConsumerStats stats) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.queueName = queueName;
        this.stats = stats;
    }

    /** Deletes the messages; receivedAt (System.nanoTime) measures the latency of each one deleted. */
    void delete(Collection<SqsMessage> messages, long receivedAt) {
        forEachChunk(messages, chunk -> {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            var response = client.deleteMessageBatch(b -> b.queueUrl(queueUrl.get()).entries(entries));
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - receivedAt);
            stats.latency.recordMicros(micros, response.successful().size());
            stats.deleted.add(response.successful().size());
            return response.failed();
        }, "delete", message -> true);
    }

    /** Sets the visibility timeout of the messages; errors are reported only for messages {@code report} accepts. */
    void changeVisibility(Collection<SqsMessage> messages, int seconds, Predicate<SqsMessage> report) {
        forEachChunk(messages, chunk -> {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(seconds).build());
            }
            return client.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl.get()).entries(entries)).failed();
        }, "change visibility of", report);
    }

    private void forEachChunk(Collection<SqsMessage> messages, Function<List<SqsMessage>, List<BatchResultErrorEntry>> call,
            String what, Predicate<SqsMessage> report) {
        if (messages.isEmpty()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            List<SqsMessage> all = new ArrayList<>(messages);
            for (int from = 0; from < all.size(); from += SQS_BATCH_LIMIT) {
                List<SqsMessage> chunk = all.subList(from, Math.min(all.size(), from + SQS_BATCH_LIMIT));
                try {
                    for (BatchResultErrorEntry error : call.apply(chunk)) {
                        SqsMessage message = chunk.get(Integer.parseInt(error.id()));
                        if (report.test(message)) {
                            stats.acknowledgeErrors.increment();
                            LOG.warn("{}: could not {} message {} ({}: {}); SQS will deliver it again",
                                    message.queue(), what, message.messageId(), error.code(), error.message());
                        }
                    }
                } catch (RuntimeException e) {
                    stats.acknowledgeErrors.add(chunk.size());
                    LOG.warn("{}: could not {} {} messages; SQS will deliver them again", queueName, what, chunk.size(), e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
