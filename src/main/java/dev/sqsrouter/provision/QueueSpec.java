package dev.sqsrouter.provision;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.S3EventsTopology;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One SQS queue as provisioning creates it and the deployment template declares it: the attributes (named as SQS and
 * CloudFormation both name them, valued as the template writes them), the dead-letter queue SQS redrives it to, and
 * for a dead-letter queue the one queue allowed to redrive into it. Provisioning sends these attributes in CreateQueue
 * and SetQueueAttributes, the template writes them as the queue's properties: the two cannot differ.
 */
public record QueueSpec(String name, Map<String, Object> attributes, Redrive redrive, String redriveSource) {

    /** SQS's maximum: an outage shorter than this loses nothing; a message older than this is deleted by SQS. */
    public static final int RETENTION_SECONDS = 1_209_600;
    /** The largest message SQS takes (1 MiB since 2025); every queue takes it, so a dead-letter queue takes what its source took. */
    public static final int MAX_MESSAGE_BYTES = 1_048_576;
    /** Long polling for any receiver that does not set its own wait. */
    public static final int LONG_POLL_SECONDS = 20;

    /** After maxReceiveCount deliveries SQS moves a message to deadLetterQueue. */
    public record Redrive(String deadLetterQueue, int maxReceiveCount) {
    }

    public QueueSpec {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** A source queue: FIFO when the name ends in .fifo; visibilityTimeout &lt; 0 leaves SQS's default. */
    public static QueueSpec source(String name, String deadLetterQueue, int maxReceiveCount, int visibilityTimeout) {
        return new QueueSpec(name, attributes(name, visibilityTimeout), new Redrive(deadLetterQueue, maxReceiveCount), null);
    }

    /** The dead-letter queue of source: of the same kind, and only that queue may redrive into it. */
    public static QueueSpec deadLetter(String name, String source) {
        return new QueueSpec(name, attributes(name, -1), null, source);
    }

    /** A queue with nothing to redrive (the sandbox's alert inbox). */
    public static QueueSpec plain(String name) {
        return new QueueSpec(name, attributes(name, -1), null, null);
    }

    /** A relay queue as its block of configuration declares it. */
    public static QueueSpec of(RelayTopology.Queue queue) {
        return source(queue.queue(), queue.deadLetterQueue(), queue.maxReceiveCount(), queue.visibilityTimeout());
    }

    /** An S3 event queue: its block's redrive count and visibility timeout, else the flow's. */
    public static QueueSpec of(S3EventsTopology topology, S3EventsTopology.Queue queue) {
        return source(queue.queue(), queue.deadLetterQueue(),
                queue.maxReceiveCount() > 0 ? queue.maxReceiveCount() : topology.maxReceiveCount(),
                queue.visibilityTimeout() >= 0 ? queue.visibilityTimeout() : topology.visibilityTimeout());
    }

    /** The dead-letter queue of a source queue. */
    public static QueueSpec deadLetterOf(QueueSpec source) {
        return deadLetter(source.redrive().deadLetterQueue(), source.name());
    }

    private static Map<String, Object> attributes(String name, int visibilityTimeout) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (isFifo(name)) {
            attributes.put(QueueAttributeName.FIFO_QUEUE.toString(), true);
            // the senders set the deduplication id (the ingress: Idempotency-Key or a hash of the body)
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION.toString(), false);
        }
        attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD.toString(), RETENTION_SECONDS);
        attributes.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE.toString(), MAX_MESSAGE_BYTES);
        if (visibilityTimeout >= 0) {
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT.toString(), visibilityTimeout);
        }
        attributes.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS.toString(), LONG_POLL_SECONDS);
        // SSE-SQS, not KMS: SNS delivers to it without a key policy
        attributes.put(QueueAttributeName.SQS_MANAGED_SSE_ENABLED.toString(), true);
        return attributes;
    }

    static boolean isFifo(String name) {
        return name.endsWith(".fifo");
    }

    public boolean fifo() {
        return isFifo(name);
    }

    /**
     * The attributes as CreateQueue takes them, the redrive policy and redrive-allow policy with ARNs in the account and
     * region of accountArnPrefix ("arn:aws:sqs:us-east-1:123456789012:").
     */
    Map<QueueAttributeName, String> forCreate(String accountArnPrefix) {
        Map<QueueAttributeName, String> all = new LinkedHashMap<>();
        attributes.forEach((key, value) -> all.put(QueueAttributeName.fromValue(key), value.toString()));
        if (redrive != null) {
            all.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + accountArnPrefix + redrive.deadLetterQueue()
                    + "\",\"maxReceiveCount\":\"" + redrive.maxReceiveCount() + "\"}");
        }
        if (redriveSource != null) {
            all.put(QueueAttributeName.REDRIVE_ALLOW_POLICY, "{\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\""
                    + accountArnPrefix + redriveSource + "\"]}");
        }
        return all;
    }

    /** As {@link #forCreate}, less what SQS sets only when a queue is created (FifoQueue). */
    Map<QueueAttributeName, String> forUpdate(String accountArnPrefix) {
        Map<QueueAttributeName, String> all = new LinkedHashMap<>(forCreate(accountArnPrefix));
        all.remove(QueueAttributeName.FIFO_QUEUE);
        return all;
    }
}
