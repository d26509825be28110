package dev.sqsrouter.s3events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The audit call's body, {"data": {...}}: the request shape the relay sends too. The audit route turns it into JSON
 * with camel-jackson.
 */
public record AuditRequest(Data data) {

    /** The body of the call made for a record. */
    public static AuditRequest of(S3EventRecord record) {
        return new AuditRequest(new Data(record.bucket(), record.key(), record.size(), record.eTag(), record.versionId(),
                record.eventName(), record.eventTime() != null ? record.eventTime().toString() : null, record.sequencer()));
    }

    /**
     * The record's fields, nulls included, so that the server always sees one shape.
     *
     * @param eventTime ISO-8601, as S3 writes it
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"bucket", "key", "size", "eTag", "versionId", "eventName", "eventTime", "sequencer"})
    public record Data(String bucket, String key, Long size, String eTag, String versionId, String eventName,
            String eventTime, String sequencer) {
    }
}
