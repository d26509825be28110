package dev.sqsrouter.failure;

import java.time.Instant;

/**
 * A failure-store record as the table holds it: the failed message and what an administrator has done with it.
 *
 * @param statusChangedAt when the status last changed, or null while it is OPEN
 * @param replayMessageId the SQS message id of the replayed copy, or null unless REPLAYED
 * @param bodyRef         s3://bucket/key of the body when it was too large for the item (the record's body is then
 *                        read from there), or null when the item holds it
 * @param storeNote       why the record was written reduced (DynamoDB refused the full one for good), or null
 * @param discardReason   what the administrator who discarded it gave as the reason, or null unless DISCARDED
 * @param expiresAt       when DynamoDB's TTL may delete it (set when it leaves OPEN), or null while it is OPEN
 * @param body            what is known of the body besides the record's own text: where it is kept, its size, its
 *                        preview, and why the record holds no body (the object is gone, or it was not read)
 */
public record StoredFailure(FailureRecord record, FailureStatus status, Instant statusChangedAt, String replayMessageId,
        String bodyRef, String storeNote, String discardReason, Instant expiresAt, BodyState body) {

    /**
     * A body kept in S3, as the item describes it.
     *
     * @param bytes   its size in UTF-8 bytes, or null when the item does not say
     * @param preview its first characters as the item holds them, or null
     * @param missing why the record's body is null though one was stored (the object is gone), or null
     */
    public record BodyState(Integer bytes, String preview, String missing) {
        /** A body in the item, or read whole from S3. */
        public static final BodyState WHOLE = new BodyState(null, null, null);
    }

    /** A record as written, without a discard reason or an expiry. */
    public StoredFailure(FailureRecord record, FailureStatus status, Instant statusChangedAt, String replayMessageId,
            String bodyRef, String storeNote) {
        this(record, status, statusChangedAt, replayMessageId, bodyRef, storeNote, null, null, BodyState.WHOLE);
    }

    /** A record whose body is in its item, written whole. */
    public StoredFailure(FailureRecord record, FailureStatus status, Instant statusChangedAt, String replayMessageId) {
        this(record, status, statusChangedAt, replayMessageId, null, null);
    }

    /** The record's sort key: its place in the group's order. */
    public String sortKey() {
        return record.sortKey();
    }
}
