package dev.sqsrouter.failure;

/** Where an administrator is with a failure-store record. */
public enum FailureStatus {
    /** Waiting for an administrator: every record starts here. */
    OPEN,
    /**
     * Claimed by a replay that is sending it: no one else may send or discard it until the claim's lease
     * ({@code leaseUntil}) has run out; a replay that died leaves it here, and the next replay takes it after the lease.
     */
    REPLAYING,
    /** Sent again to its queue, with its group, by a replay. */
    REPLAYED,
    /** Given up on by an administrator; kept for the record. */
    DISCARDED
}
