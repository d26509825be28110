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
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends an accepted request to its FIFO queue with the SDK client. Camel's aws2-sqs producer is not used because it
 * does not return the SequenceNumber that the API Gateway answer carries. The only message attribute ever set is
 * the idempotency key ({@value SqsMessage#IDEMPOTENCY_KEY_ATTRIBUTE}), from a checked Idempotency-Key header or a
 * failure record; nothing else in a request can become one.
 */
public class IngressSender {

    private static final Logger LOG = LoggerFactory.getLogger(IngressSender.class);

    private final SqsClient sqs;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    public IngressSender(SqsClient sqs) {
        this.sqs = sqs;
    }

    /** SQS's own rule: a FIFO queue's name ends in .fifo. */
    public static boolean isFifo(String queue) {
        return queue.endsWith(".fifo");
    }

    /**
     * @throws HttpApiException 503 when SQS did not answer with success
     */
    public SendMessageResponse send(IngressRequest request) {
        try {
            String url = queueUrls.computeIfAbsent(request.queue(), name -> sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
            SendMessageRequest.Builder send = SendMessageRequest.builder().queueUrl(url).messageBody(request.messageBody());
            if (request.idempotencyKey() != null) {
                // the relay calls the response server with this key instead of the message id
                send.messageAttributes(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, MessageAttributeValue.builder()
                        .dataType("String").stringValue(request.idempotencyKey()).build()));
            }
            if (isFifo(request.queue())) {
                send.messageGroupId(request.groupId()).messageDeduplicationId(request.deduplicationId());
            }
            // a standard queue takes neither: it has no groups and no deduplication
            return sqs.sendMessage(send.build());
        } catch (SdkException e) {
            LOG.warn("ingress /{}: SQS did not take the message for {} (group {}): {}", request.alias(), request.queue(),
                    request.groupId(), e.getMessage());
            throw new HttpApiException(503, "queue_unavailable", "the queue did not confirm the message: send it again with"
                    + " the same Idempotency-Key (SQS drops a repeat within 5 minutes)", Map.of("Retry-After", "1"), e);
        }
    }
}
