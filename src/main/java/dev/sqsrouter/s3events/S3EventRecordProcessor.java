package dev.sqsrouter.s3events;

/**
 * What a queue does with each S3 object event that passes its filter. Implementations are beans whose names the
 * configuration binds to queues (s3events.&lt;queue&gt;.processor), so a new queue reuses one without code.
 * <p>
 * Failures follow the relay's failure policy: a {@link dev.sqsrouter.relay.BusinessFailureException} parks the
 * message in the failure store (retrying cannot help); any other exception is retried, then the message stays in SQS.
 */
public interface S3EventRecordProcessor {

    /** Declares Exception so that failures reach the failure policy as thrown, unwrapped, to be classified. */
    void process(S3EventRecord record) throws Exception;
}
