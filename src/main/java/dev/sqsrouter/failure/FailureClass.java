package dev.sqsrouter.failure;

/** Why a message ended in the failure store. */
public enum FailureClass {
    /** The target answered and said no (status_code != 200, or a 4xx other than 408/429). */
    BUSINESS,
    /** The message is not what the flow expects (not JSON, unknown envelope, missing fields). */
    MALFORMED,
    /**
     * It kept failing transiently (refused, timeout, 5xx, 408, 429) while the same target answered other messages:
     * parked after the configured number of such attempts so that it does not hold its group for hours.
     */
    POISON,
    /** SQS moved it to the dead-letter queue after maxReceiveCount failed deliveries (transient failures). */
    REDRIVEN
}
