package dev.sqsrouter.ingress;

import dev.sqsrouter.http.HttpApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sqsrouter.sqs.SqsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends an accepted request to its queue with the SDK client, through the queue's {@link QueueBatchSender}: requests
 * that arrive while {@value #DEFAULT_BATCHES_IN_FLIGHT} calls to that queue are under way share the next
 * SendMessageBatch call. Camel's aws2-sqs producer is not used because it does not return the SequenceNumber that the
 * API Gateway answer carries. The only message attribute ever set is
 * the idempotency key ({@value SqsMessage#IDEMPOTENCY_KEY_ATTRIBUTE}), from a checked Idempotency-Key header or a
 * failure record; nothing else in a request can become one.
 */
public class IngressSender {

    private static final Logger LOG = LoggerFactory.getLogger(IngressSender.class);

    /** SendMessageBatch calls under way per queue at most; what arrives meanwhile waits for the next one. */
    public static final int DEFAULT_BATCHES_IN_FLIGHT = 4;

    /** Deduplication ids (with their first answers) remembered per instance by default. */
    public static final int DEFAULT_REMEMBERED_SENDS = 20_000;

    private final SqsClient sqs;
    private final int batchesInFlight;
    private final Map<String, QueueBatchSender> senders = new ConcurrentHashMap<>();
    private final FirstSends firstSends;

    public IngressSender(SqsClient sqs) {
        this(sqs, DEFAULT_BATCHES_IN_FLIGHT, DEFAULT_REMEMBERED_SENDS);
    }

    public IngressSender(SqsClient sqs, int batchesInFlight, int rememberedSends) {
        this.sqs = sqs;
        this.batchesInFlight = batchesInFlight;
        this.firstSends = new FirstSends(rememberedSends);
    }

    /**
     * A producer's request: sent, unless this instance sent its deduplication id within SQS's 5-minute interval, in
     * which case SQS would drop it: then it is not sent again, and the first send's answer is the answer, marked a
     * repeat. A standard queue has no deduplication: every request is sent.
     *
     * @throws HttpApiException 503 when SQS did not answer with success
     */
    public IngressSent accept(IngressRequest request) {
        if (!isFifo(request.queue())) {
            return new IngressSent(send(request), false);
        }
        long now = System.nanoTime();
        FirstSends.First first = firstSends.of(request.deduplicationId(), now);
        if (first != null) {
            return new IngressSent(first.answer(), true);
        }
        SendMessageResponse answer = send(request);
        // the ids a client needs, not the whole HTTP answer, are kept
        SendMessageResponse kept = SendMessageResponse.builder().messageId(answer.messageId())
                .sequenceNumber(answer.sequenceNumber()).md5OfMessageBody(answer.md5OfMessageBody())
                .md5OfMessageAttributes(answer.md5OfMessageAttributes()).build();
        FirstSends.First earlier = firstSends.note(request.deduplicationId(), new FirstSends.First(kept, now), System.nanoTime());
        return earlier != null ? new IngressSent(earlier.answer(), true) : new IngressSent(answer, false);
    }

    /** SQS's own rule: a FIFO queue's name ends in .fifo. */
    public static boolean isFifo(String queue) {
        return queue.endsWith(".fifo");
    }

    /**
     * Sends the request as it is, whatever was sent before (an administrator's replay).
     *
     * @throws HttpApiException 503 when SQS did not answer with success
     */
    public SendMessageResponse send(IngressRequest request) {
        try {
            QueueBatchSender sender = senders.computeIfAbsent(request.queue(), name -> new QueueBatchSender(sqs,
                    sqs.getQueueUrl(b -> b.queueName(name)).queueUrl(), batchesInFlight));
            SendMessageBatchRequestEntry.Builder send = SendMessageBatchRequestEntry.builder().messageBody(request.messageBody());
            if (request.idempotencyKey() != null) {
                // the relay calls the response server with this key instead of the message id
                send.messageAttributes(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, MessageAttributeValue.builder()
                        .dataType("String").stringValue(request.idempotencyKey()).build()));
            }
            if (isFifo(request.queue())) {
                send.messageGroupId(request.groupId()).messageDeduplicationId(request.deduplicationId());
            }
            // a standard queue takes neither: it has no groups and no deduplication
            return sender.send(send.build());
        } catch (SdkException e) {
            LOG.warn("ingress /{}: SQS did not take the message for {} (group {}): {}", request.alias(), request.queue(),
                    request.groupId(), e.getMessage());
            throw new HttpApiException(503, "queue_unavailable", "the queue did not confirm the message: send it again with"
                    + " the same Idempotency-Key (SQS drops a repeat within 5 minutes)", Map.of("Retry-After", "1"), e);
        }
    }
}
