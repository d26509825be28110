package dev.sqsrouter.failure;

/** Why a message ended in the failure store. */
public enum FailureClass {
    /** The target answered and said no (status_code != 200, or a 4xx other than 408/429). */
    BUSINESS,
    /** The message is not what the flow expects (not JSON, unknown envelope, missing fields). */
    MALFORMED,
    /** SQS moved it to the dead-letter queue after maxReceiveCount failed deliveries (transient failures). */
    REDRIVEN
}
