package dev.sqsrouter.s3events;

import java.util.List;

/**
 * What one SQS message said about S3, once parsed: either object events, or the s3:TestEvent that S3 sends when a
 * notification configuration is saved (no records).
 *
 * @param envelope   how the event arrived
 * @param testEvent  true for s3:TestEvent
 * @param testBucket the bucket named by a test event, or null
 * @param records    the object events, in the order of the message; empty for a test event
 */
public record S3EventNotification(Envelope envelope, boolean testEvent, String testBucket, List<S3EventRecord> records) {

    /** The shapes an S3 event reaches a queue in. */
    public enum Envelope {
        /** An SNS Notification whose string field Message holds the S3 event. */
        SNS,
        /** The S3 event itself: SNS raw message delivery, or S3 -> SQS directly. */
        RAW,
        /** An EventBridge event, detail-type "Object Created". */
        EVENTBRIDGE
    }

    public S3EventNotification {
        records = List.copyOf(records);
    }

    static S3EventNotification test(Envelope envelope, String bucket) {
        return new S3EventNotification(envelope, true, bucket, List.of());
    }

    S3EventNotification in(Envelope outer) {
        return new S3EventNotification(outer, testEvent, testBucket, records);
    }
}
