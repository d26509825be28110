package dev.sqsrouter.ingress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Sends one queue's messages in SendMessageBatch calls, batched by the load alone: a message waits only while
 * {@code batchesInFlight} calls for its queue are under way, and whatever waits goes in the next call (ten entries
 * and {@link #BATCH_BYTES} at most). A lone sender is sent at once, in a batch of one; under load one call carries up
 * to ten messages, so the broker and the SDK do a tenth of the work per message. Nothing is delayed to fill a batch
 * (the SDK's batch manager waits a send frequency for that, and needs the asynchronous client). A batch of one goes as
 * a SendMessage: the same work for SQS, and ElasticMQ answers a batch without the FIFO SequenceNumber.
 *
 * <p>Each message keeps its own outcome: the answer SQS gave its entry (its MessageId and SequenceNumber), or the
 * error of its entry or of the whole call. Within a call the entries keep the order the messages came in, which in a
 * FIFO queue is their order within a group.
 */
final class QueueBatchSender {

    /** SQS's limit on the entries of one batch. */
    static final int MAX_ENTRIES = 10;
    /**
     * The payload of one batch at most (bodies and attributes). SQS takes more, emulators not always; a message larger
     * than this goes alone, in a SendMessage call.
     */
    static final int BATCH_BYTES = 256 * 1024;
    /** How long a caller waits for its message's outcome at most; the SDK's own timeouts end a call long before. */
    private static final long OUTCOME_WAIT_SECONDS = 120;

    private final SqsClient sqs;
    private final String queueUrl;
    private final Semaphore calls;
    /** The messages no call has taken yet, in the order they came; guarded by itself. */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

    QueueBatchSender(SqsClient sqs, String queueUrl, int batchesInFlight) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.calls = new Semaphore(Math.max(1, batchesInFlight));
    }

    /** Sends the entry (its id is replaced) and returns SQS's answer for it; throws what SQS answered for it. */
    SendMessageResponse send(SendMessageBatchRequestEntry entry) {
        Pending pending = new Pending(entry, payloadBytes(entry));
        if (pending.bytes > BATCH_BYTES) {
            return alone(entry);
        }
        synchronized (waiting) {
            waiting.add(pending);
        }
        startCalls();
        try {
            return pending.outcome.get(OUTCOME_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw sdk;
            }
            throw SdkClientException.create("the batch send failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw SdkClientException.create("no answer from SQS within " + OUTCOME_WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while sending", e);
        }
    }

    /**
     * Starts a call for what waits, while a call is free. A caller adds its message before it asks for a call, and a
     * call that ends frees itself before it looks at what waits: a message is never left waiting with a call free.
     */
    private void startCalls() {
        while (anyWaiting() && calls.tryAcquire()) {
            List<Pending> batch = take();
            if (batch.isEmpty()) {
                calls.release();
                continue;
            }
            Thread.ofVirtual().name("ingress-send").start(() -> {
                try {
                    call(batch);
                } finally {
                    calls.release();
                    startCalls();
                }
            });
        }
    }

    /** Messages no call has taken yet. */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private boolean anyWaiting() {
        synchronized (waiting) {
            return !waiting.isEmpty();
        }
    }

    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>(MAX_ENTRIES);
        int bytes = 0;
        synchronized (waiting) {
            Pending next;
            while (batch.size() < MAX_ENTRIES && (next = waiting.peek()) != null && bytes + next.bytes <= BATCH_BYTES) {
                batch.add(waiting.poll());
                bytes += next.bytes;
            }
        }
        return batch;
    }

    private void call(List<Pending> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        Map<String, Pending> byId = new HashMap<>();
        for (Pending pending : batch) {
            String id = Integer.toString(entries.size());
            entries.add(pending.entry.toBuilder().id(id).build());
            byId.put(id, pending);
        }
        try {
            if (batch.size() == 1) {
                batch.get(0).outcome.complete(alone(batch.get(0).entry));
                return;
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            for (SendMessageBatchResultEntry ok : response.successful()) {
                Pending pending = byId.remove(ok.id());
                if (pending != null) {
                    pending.outcome.complete(answer(ok, response));
                }
            }
            for (BatchResultErrorEntry failed : response.failed()) {
                Pending pending = byId.remove(failed.id());
                if (pending != null) {
                    pending.outcome.completeExceptionally(SqsException.builder()
                            .statusCode(Boolean.TRUE.equals(failed.senderFault()) ? 400 : 500)
                            .message(failed.code() + ": " + failed.message())
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode(failed.code()).errorMessage(failed.message()).build())
                            .build());
                }
            }
            for (Pending unanswered : byId.values()) {
                unanswered.outcome.completeExceptionally(SdkClientException.create("SQS's batch answer left this entry out"));
            }
        } catch (RuntimeException e) {
            for (Pending pending : batch) {
                pending.outcome.completeExceptionally(e);
            }
        }
    }

    private SendMessageResponse alone(SendMessageBatchRequestEntry entry) {
        return sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(entry.messageBody())
                .messageAttributes(entry.messageAttributes()).messageGroupId(entry.messageGroupId())
                .messageDeduplicationId(entry.messageDeduplicationId()));
    }

    private static SendMessageResponse answer(SendMessageBatchResultEntry ok, SendMessageBatchResponse response) {
        SendMessageResponse.Builder answer = SendMessageResponse.builder().messageId(ok.messageId())
                .md5OfMessageBody(ok.md5OfMessageBody()).md5OfMessageAttributes(ok.md5OfMessageAttributes())
                .md5OfMessageSystemAttributes(ok.md5OfMessageSystemAttributes()).sequenceNumber(ok.sequenceNumber());
        answer.responseMetadata(response.responseMetadata());
        return answer.build();
    }

    /** SQS counts the body and each attribute's name, type and value against the payload limit. */
    static int payloadBytes(SendMessageBatchRequestEntry entry) {
        int bytes = utf8Length(entry.messageBody());
        for (Map.Entry<String, MessageAttributeValue> attribute : entry.messageAttributes().entrySet()) {
            bytes += utf8Length(attribute.getKey()) + utf8Length(attribute.getValue().dataType())
                    + utf8Length(attribute.getValue().stringValue());
        }
        return bytes;
    }

    private static int utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private record Pending(SendMessageBatchRequestEntry entry, int bytes, CompletableFuture<SendMessageResponse> outcome) {
        Pending(SendMessageBatchRequestEntry entry, int bytes) {
            this(entry, bytes, new CompletableFuture<>());
        }
    }
}
