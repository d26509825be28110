package dev.sqsrouter.failure;

import java.time.Instant;

/**
 * A failure-store record as the table holds it: the failed message and what an administrator has done with it.
 *
 * @param statusChangedAt when the status last changed, or null while it is OPEN
 * @param replayMessageId the SQS message id of the replayed copy, or null unless REPLAYED
 */
public record StoredFailure(FailureRecord record, FailureStatus status, Instant statusChangedAt, String replayMessageId) {

    /** The record's sort key: its place in the group's order. */
    public String sortKey() {
        return record.sortKey();
    }
}
