package dev.sqsrouter.failure;

import java.time.Instant;

/**
 * One failed message as an administrator sees it. Records of one queue and group list in SQS sequence order.
 *
 * @param group      the FIFO MessageGroupId, or null on a standard queue
 * @param sequence   the FIFO SequenceNumber, or null on a standard queue
 * @param httpStatus the target's HTTP status, or null when no call was made
 * @param answer     the target's answer, truncated, or null
 * @param idempotencyKey the Idempotency-Key the response server saw (or would have seen) for this message; a replay
 *                   sends it again. Null in records written before the key was stored: the message id stands for it
 * @param recordIndex the index in the message's Records of the S3 event record this failure is about, or null when
 *                    it is about the whole message
 */
public record FailureRecord(String queue, String group, String sequence, String messageId, String body,
        FailureClass failureClass, String reason, Integer httpStatus, String answer, int receiveCount,
        Instant firstReceivedAt, Instant recordedAt, String idempotencyKey, Integer recordIndex) {

    /** The failure of a whole message, without an idempotency key. */
    public FailureRecord(String queue, String group, String sequence, String messageId, String body,
            FailureClass failureClass, String reason, Integer httpStatus, String answer, int receiveCount,
            Instant firstReceivedAt, Instant recordedAt) {
        this(queue, group, sequence, messageId, body, failureClass, reason, httpStatus, answer, receiveCount,
                firstReceivedAt, recordedAt, null, null);
    }

    /** The key a replay of this record carries: its idempotency key, or its message id when it has none. */
    public String replayIdempotencyKey() {
        return idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey : messageId;
    }

    /** Partition key: one queue and group, so that a group's records list together. */
    public String partitionKey() {
        return partitionKey(queue, group);
    }

    /** The partition key of one queue and group (a standard queue's records share the group "-"). */
    public static String partitionKey(String queue, String group) {
        return queue + "#" + (group != null ? group : "-");
    }

    /**
     * Sort key: the sequence number left-padded to a fixed width so that text order is number order (SQS sequence
     * numbers are up to 128 bits, 39 digits). Without one (a standard queue), the message's first receive time and
     * its id: the same for every delivery of the message, so a redelivery finds the record already there. A failure
     * of one record of a message adds the record's index (#r00001), so that each record of a message has a key of its
     * own, right after the message's.
     */
    public String sortKey() {
        String record = recordIndex != null ? String.format("#r%05d", recordIndex) : "";
        if (sequence != null && !sequence.isBlank()) {
            return paddedSequence(sequence) + record;
        }
        Instant time = firstReceivedAt != null ? firstReceivedAt : recordedAt;
        return String.format("t%015d#%s", time.toEpochMilli(), messageId) + record;
    }

    /** A sequence number left-padded to 40 digits. */
    public static String paddedSequence(String sequence) {
        return "0".repeat(Math.max(0, 40 - sequence.length())) + sequence;
    }
}
