package dev.sqsrouter.s3events;

/**
 * What a queue does with each S3 object event that passes its filter. Implementations are beans whose names the
 * configuration binds to queues (s3events.&lt;queue&gt;.processor), so a new queue reuses one without code.
 * <p>
 * Each record has its own outcome ({@link S3EventRecordRunner}): a {@link dev.sqsrouter.failure.BusinessFailureException}
 * (or an HTTP refusal) parks this record alone in the failure store (retrying cannot help) and the message's other
 * records still run; any other exception is retried, then the whole message stays in SQS and comes back, records done
 * already included: doing a record twice must be harmless (an Idempotency-Key, a write of the same result).
 */
public interface S3EventRecordProcessor {

    /** Declares Exception so that failures reach the failure policy as thrown, unwrapped, to be classified. */
    void process(S3EventRecord record) throws Exception;
}
