package dev.sqsrouter.s3events;

import java.time.Instant;

/**
 * One object event, whatever envelope it came in, with the key already decoded: what every processor and filter
 * works from.
 *
 * @param bucket    the bucket name
 * @param key       the object key as S3 stores it (URL decoding done)
 * @param size      the object size in bytes, or null when the event does not say
 * @param eTag      the object's ETag, or null
 * @param versionId the object version, or null when the bucket is not versioned
 * @param sequencer orders events of one key (compare after left-padding), or null
 * @param eventName the event type without the "s3:" prefix, e.g. ObjectCreated:Put
 * @param eventTime when S3 finished the request
 */
public record S3EventRecord(String bucket, String key, Long size, String eTag, String versionId, String sequencer,
        String eventName, Instant eventTime) {

    /** bucket/key, for log lines and failure reasons. */
    public String location() {
        return bucket + "/" + key;
    }
}
