package dev.sqsrouter.s3events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

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

    /**
     * The SHA-256 (hex) of what names the event: bucket, key, versionId, sequencer and eventName. The same for every
     * delivery of the event, whatever SQS message or envelope carried it, and different for another event of the same
     * key (S3 gives each a sequencer of its own): the Idempotency-Key of calls made for this record.
     */
    public String idempotencyKey() {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {bucket, key, versionId, sequencer, eventName}) {
            // length-prefixed, so that no two different field lists make the same text
            text.append(field == null ? "-" : field.length() + ":" + field).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
