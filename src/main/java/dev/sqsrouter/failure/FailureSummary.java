package dev.sqsrouter.failure;

import java.time.Instant;

/**
 * A record as a listing across queues shows it: what the status index holds, without body or answer.
 *
 * @param group    the MessageGroupId, or null on a standard queue
 * @param key      the record's sort key (its place in the group's order): with queue and group, its identity
 * @param reason   the reason as stored (up to {@link FailureRecords#MAX_REASON_CHARS} characters)
 */
public record FailureSummary(String queue, String group, String key, String sequence, String messageId,
        FailureStatus status, FailureClass failureClass, String reason, Integer httpStatus, int receiveCount,
        Instant recordedAt, Instant statusChangedAt) {
}
