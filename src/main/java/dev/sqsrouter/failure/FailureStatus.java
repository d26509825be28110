package dev.sqsrouter.failure;

/** Where an administrator is with a failure-store record. */
public enum FailureStatus {
    /** Waiting for an administrator: every record starts here. */
    OPEN,
    /** Sent again to its queue, with its group, by a replay. */
    REPLAYED,
    /** Given up on by an administrator; kept for the record. */
    DISCARDED
}
