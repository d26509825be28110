package dev.sqsrouter.s3events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fixture bodies under src/test/resources/s3events, and events of the same shapes for other buckets and keys:
 * tests change only the values, never the structure.
 */
public final class S3EventFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3EventFixtures() {
    }

    /** A fixture file as it would be an SQS message body. */
    public static String fixture(String name) {
        try (InputStream in = S3EventFixtures.class.getResourceAsStream("/s3events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture s3events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw-put.json event for another bucket, key (encoded here as S3 encodes it), event name and size. */
    public static String s3Event(String bucket, String key, String eventName, long size) {
        ObjectNode event = (ObjectNode) read(fixture("raw-put.json"));
        ObjectNode record = (ObjectNode) event.get("Records").get(0);
        record.put("eventName", eventName);
        ObjectNode s3 = (ObjectNode) record.get("s3");
        ((ObjectNode) s3.get("bucket")).put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
        ((ObjectNode) s3.get("object")).put("key", encodeKey(key)).put("size", size);
        return write(event);
    }

    /**
     * A raw S3 event of several records, one per key, each as raw-put.json's record for that bucket, key (encoded here
     * as S3 encodes it) and event name, with a sequencer of its own (S3 gives every event of a key its own).
     */
    public static String s3Event(String bucket, String eventName, java.util.List<String> keys) {
        ObjectNode event = (ObjectNode) read(fixture("raw-put.json"));
        ObjectNode template = (ObjectNode) event.get("Records").get(0);
        com.fasterxml.jackson.databind.node.ArrayNode records = event.putArray("Records");
        for (int i = 0; i < keys.size(); i++) {
            ObjectNode record = template.deepCopy();
            record.put("eventName", eventName);
            ObjectNode s3 = (ObjectNode) record.get("s3");
            ((ObjectNode) s3.get("bucket")).put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
            ((ObjectNode) s3.get("object")).put("key", encodeKey(keys.get(i))).put("sequencer", String.format("0A1B2C3D4E5F67%04X", i));
            records.add(record);
        }
        return write(event);
    }

    /** The sns-put.json envelope around another S3 event (or anything else as Message). */
    public static String snsNotification(String message) {
        ObjectNode envelope = (ObjectNode) read(fixture("sns-put.json"));
        envelope.put("Message", message);
        return write(envelope);
    }

    /** The sns-test-event.json envelope for another bucket. */
    public static String snsTestEvent(String bucket) {
        ObjectNode test = (ObjectNode) read(fixture("raw-test-event.json"));
        test.put("Bucket", bucket);
        return snsNotification(write(test));
    }

    /** S3's form encoding of keys, '/' left as it is. */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
