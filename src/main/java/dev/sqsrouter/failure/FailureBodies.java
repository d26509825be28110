package dev.sqsrouter.failure;

import static dev.sqsrouter.failure.FailureRecords.str;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Bodies too large for a DynamoDB item (400 KB; an SQS message holds up to 1 MiB), kept whole in an S3 bucket under a
 * key derived from the record's pk and sk, so that a redelivery writes the same object again. The item holds a pointer
 * to it ({@code bodyRef} = s3://bucket/key), the body's size in bytes and a short preview. Reading a record fetches such
 * a body back, so that a listing shows it and a replay sends it whole; a body whose object is gone (a lifecycle rule on
 * the bucket may delete bodies before their records) is named missing, not an error.
 * <p>
 * The SDK and not aws2-s3, whose endpoint checks the bucket at start-up: an S3 outage would stop the app from
 * starting, where a body write must only be retried like every write of the store.
 */
public class FailureBodies {

    /**
     * Bodies of more UTF-8 bytes than this go to S3 by default: with the answer and the reason (at most 4096
     * characters each, 12 KB in UTF-8), the preview and the other attributes the item stays under 400 KB.
     */
    public static final int DEFAULT_LARGE_BODY_THRESHOLD_BYTES = 300_000;
    /** The largest threshold accepted: DynamoDB's item limit (409,600 bytes); above it no inline body could fit. */
    public static final int MAX_LARGE_BODY_THRESHOLD_BYTES = 409_600;

    private final S3Client s3;
    private final String table;

    /** The bodies of the records of table, read and written with s3 (null: a store that cannot reach them). */
    FailureBodies(S3Client s3, String table) {
        this.s3 = s3;
        this.table = table;
    }

    /**
     * The S3 key of a record's body: bodies/queue/group/sk/sha256-of-the-body, each part percent-encoded (a group may
     * hold any printable ASCII), the group "-" on a standard queue as in pk. A redelivery of the message writes the same
     * object with the same bytes; another body for the same record is another object, so that it can never replace the
     * body a record points to.
     */
    public static String bodyKey(FailureRecord record, byte[] body) {
        return "bodies/" + keyPart(record.queue()) + "/" + keyPart(record.group() != null ? record.group() : "-") + "/"
                + keyPart(record.sortKey()) + "/" + sha256(body);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String keyPart(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Writes a record's body (its UTF-8 bytes) whole to the bucket, before the item that points to it, so that no item
     * ever points to an object that is not there.
     *
     * @return the body's s3:// reference
     * @throws FailureStoreException when S3 did not take it; the message stays in SQS
     */
    String put(String bucket, FailureRecord record, byte[] body) {
        String key = bodyKey(record, body);
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/plain; charset=utf-8")
                    .contentLength((long) body.length), RequestBody.fromBytes(body));
        } catch (SdkException e) {
            // a missing bucket may be being provisioned, a denied write fixed: retried, the message stays in SQS
            throw new FailureStoreException("failure store " + table + ": bucket " + bucket + " did not take the body of"
                    + " message " + record.messageId() + " (" + body.length + " bytes, too large for a DynamoDB item); it stays in SQS", e);
        }
        return "s3://" + bucket + "/" + key;
    }

    /**
     * The whole body an s3:// reference points to, or null when the object is gone: the record is still shown and
     * replays skip it, naming {@link #goneBody}.
     *
     * @throws FailureStoreException when S3 did not answer, or refused otherwise
     */
    String get(String bodyRef) {
        if (!bodyRef.startsWith("s3://") || bodyRef.indexOf('/', 5) < 0) {
            throw new FailureStoreException("failure store " + table + ": not an s3:// body reference: " + bodyRef, null);
        }
        String bucket = bodyRef.substring(5, bodyRef.indexOf('/', 5));
        String key = bodyRef.substring(bodyRef.indexOf('/', 5) + 1);
        if (s3 == null) {
            throw new FailureStoreException("failure store " + table + ": the body is in " + bodyRef
                    + " but this store has no S3 client", null);
        }
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return bytes.asString(StandardCharsets.UTF_8);
        } catch (NoSuchKeyException gone) {
            return null;
        } catch (SdkException e) {
            throw new FailureStoreException("failure store " + table + ": the body in " + bodyRef + " could not be read", e);
        }
    }

    /** What a record whose body object is gone says instead of its body. */
    public static String goneBody(String bodyRef) {
        return "the body object " + bodyRef + " is gone";
    }

    /** A stored record, its body fetched from S3 when the item holds a reference to it. */
    StoredFailure stored(Map<String, AttributeValue> item) {
        return stored(item, true);
    }

    /**
     * A stored record; a body kept in S3 is fetched only when fetchBody is true, else the record's body is null and
     * {@link StoredFailure#bodyRef()} says where it is (see {@link #withBody(StoredFailure)}).
     */
    StoredFailure stored(Map<String, AttributeValue> item, boolean fetchBody) {
        String bodyRef = str(item, "bodyRef");
        if (bodyRef == null) {
            return FailureRecords.storedFromItem(item, str(item, "body"), StoredFailure.BodyState.WHOLE);
        }
        Integer bytes = item.containsKey("bodySize") ? Integer.valueOf(item.get("bodySize").n()) : null;
        String body = fetchBody ? get(bodyRef) : null;
        return FailureRecords.storedFromItem(item, body, new StoredFailure.BodyState(bytes, str(item, "bodyPreview"),
                fetchBody && body == null ? goneBody(bodyRef) : null));
    }

    /**
     * The record with its body read from S3 if it was not (a record read without it), or with its body's absence
     * named when the object is gone.
     */
    StoredFailure withBody(StoredFailure entry) {
        if (entry.bodyRef() == null || entry.record().body() != null || entry.body().missing() != null) {
            return entry;
        }
        String body = get(entry.bodyRef());
        FailureRecord r = entry.record();
        FailureRecord withBody = new FailureRecord(r.queue(), r.group(), r.sequence(), r.messageId(), body, r.failureClass(),
                r.reason(), r.httpStatus(), r.answer(), r.receiveCount(), r.firstReceivedAt(), r.recordedAt(),
                r.idempotencyKey(), r.recordIndex());
        return new StoredFailure(withBody, entry.status(), entry.statusChangedAt(), entry.replayMessageId(), entry.bodyRef(),
                entry.storeNote(), entry.discardReason(), entry.expiresAt(), new StoredFailure.BodyState(entry.body().bytes(),
                entry.body().preview(), body == null ? goneBody(entry.bodyRef()) : null));
    }
}
