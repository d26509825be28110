package dev.sqsrouter.s3events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqsrouter.failure.MalformedMessageException;
import org.apache.camel.Body;

/**
 * Reads an SQS message body as an S3 event, whatever shape it arrived in: an SNS Notification (the event is the
 * string field Message), the S3 event itself (raw delivery, or S3 -> SQS), the s3:TestEvent, or an EventBridge
 * "Object Created" event. Anything else is a {@link MalformedMessageException} that says what was wrong, so that
 * the failure store tells an administrator why. Stateless and thread-safe.
 */
public class S3EventParser {

    static final String TEST_EVENT = "s3:TestEvent";
    private static final String EVENT_NAME_PREFIX = "s3:";
    private static final String EXPECTED = "expected an SNS Notification, an S3 event with Records, an s3:TestEvent"
            + " or an EventBridge \"Object Created\" event";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses one SQS message body. */
    public S3EventNotification parse(@Body String body) {
        if (body == null || body.isBlank()) {
            throw new MalformedMessageException("empty message body; " + EXPECTED);
        }
        return parse(readJson(body, "message body"), true);
    }

    /**
     * The S3 event of one record of a message body that {@link #parse(String)} read: an S3 event whose Records hold
     * that record alone, as it came (from the SNS Notification's Message when there is one), so that an administrator
     * sees the one record a failure is about and a replay of it to the queue does that record alone. An EventBridge
     * event (one object each) is returned as it is.
     *
     * @param index the record's index in the message's Records
     */
    public String recordEvent(String body, int index) {
        JsonNode root = readJson(body, "message body");
        if (root.has("Type") && root.path("Message").isTextual()) {
            root = readJson(root.get("Message").asText(), "SNS Message");
        }
        JsonNode records = root.path("Records");
        try {
            if (!records.isArray() || index < 0 || index >= records.size()) {
                return JSON.writeValueAsString(root);
            }
            ObjectNode event = JSON.createObjectNode();
            event.putArray("Records").add(records.get(index));
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that was read always serialises", e);
        }
    }

    private S3EventNotification parse(JsonNode root, boolean outermost) {
        String where = outermost ? "message body" : "SNS Message";
        if (!root.isObject()) {
            throw new MalformedMessageException(where + " is a JSON " + root.getNodeType().name().toLowerCase()
                    + ", not an object; " + EXPECTED);
        }
        if (root.has("Type")) {
            if (!outermost) {
                throw new MalformedMessageException("SNS Message holds another SNS envelope; " + EXPECTED);
            }
            return unwrapSns(root);
        }
        if (root.has("Records")) {
            return new S3EventNotification(S3EventNotification.Envelope.RAW, false, null, records(root.get("Records")));
        }
        if (root.has("Event")) {
            return testEvent(root);
        }
        if (root.has("detail-type")) {
            return eventBridge(root);
        }
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        throw new MalformedMessageException(where + " is not an S3 event (fields " + fields + "); " + EXPECTED);
    }

    private S3EventNotification unwrapSns(JsonNode envelope) {
        String type = envelope.path("Type").asText("");
        String topic = envelope.path("TopicArn").asText("an unnamed topic");
        if ("SubscriptionConfirmation".equals(type) || "UnsubscribeConfirmation".equals(type)) {
            // SNS sends these to a queue of another account until someone visits SubscribeURL
            throw new MalformedMessageException("SNS " + type + " from " + topic + ", not an S3 event: confirm the"
                    + " subscription with its SubscribeURL (or subscribe from the queue's account)");
        }
        if (!"Notification".equals(type)) {
            throw new MalformedMessageException("SNS message of Type '" + type + "' from " + topic
                    + "; only Type Notification carries an S3 event");
        }
        JsonNode message = envelope.get("Message");
        if (message == null || !message.isTextual()) {
            throw new MalformedMessageException("SNS Notification from " + topic + " has no string field Message");
        }
        S3EventNotification inner = parse(readJson(message.asText(), "SNS Message from " + topic), false);
        return inner.in(S3EventNotification.Envelope.SNS);
    }

    private static S3EventNotification testEvent(JsonNode root) {
        String event = root.path("Event").asText("");
        if (!TEST_EVENT.equals(event)) {
            throw new MalformedMessageException("S3 message with Event '" + event + "' and no Records; only "
                    + TEST_EVENT + " comes without Records");
        }
        return S3EventNotification.test(S3EventNotification.Envelope.RAW, optionalText(root, "Bucket"));
    }

    private static List<S3EventRecord> records(JsonNode records) {
        if (!records.isArray()) {
            throw new MalformedMessageException("Records is a JSON " + records.getNodeType().name().toLowerCase()
                    + ", not an array");
        }
        if (records.isEmpty()) {
            throw new MalformedMessageException("Records is empty: the S3 event names no object");
        }
        List<S3EventRecord> parsed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            parsed.add(record(records.get(i), "Records[" + i + "]"));
        }
        return parsed;
    }

    private static S3EventRecord record(JsonNode record, String where) {
        if (!record.isObject()) {
            throw new MalformedMessageException(where + " is not an object");
        }
        JsonNode object = record.path("s3").path("object");
        String rawKey = requiredText(object, "key", where + ".s3.object.key");
        return new S3EventRecord(
                requiredText(record.path("s3").path("bucket"), "name", where + ".s3.bucket.name"),
                decodeKey(rawKey, where + ".s3.object.key"),
                optionalSize(object, "size", where + ".s3.object.size"),
                optionalText(object, "eTag"),
                optionalText(object, "versionId"),
                optionalText(object, "sequencer"),
                normaliseEventName(requiredText(record, "eventName", where + ".eventName")),
                optionalTime(record, "eventTime", where + ".eventTime"));
    }

    private static S3EventNotification eventBridge(JsonNode root) {
        String source = root.path("source").asText("");
        String detailType = root.path("detail-type").asText("");
        if (!"aws.s3".equals(source)) {
            throw new MalformedMessageException("EventBridge event from source '" + source + "', not aws.s3");
        }
        if (!"Object Created".equals(detailType)) {
            throw new MalformedMessageException("EventBridge S3 event of detail-type '" + detailType
                    + "' is not handled; only \"Object Created\" is");
        }
        JsonNode detail = root.path("detail");
        JsonNode object = detail.path("object");
        // EventBridge carries the key as stored: no URL decoding here
        S3EventRecord record = new S3EventRecord(
                requiredText(detail.path("bucket"), "name", "detail.bucket.name"),
                requiredText(object, "key", "detail.object.key"),
                optionalSize(object, "size", "detail.object.size"),
                optionalText(object, "etag"),
                optionalText(object, "version-id"),
                optionalText(object, "sequencer"),
                eventNameOfReason(optionalText(detail, "reason")),
                optionalTime(root, "time", "time"));
        return new S3EventNotification(S3EventNotification.Envelope.EVENTBRIDGE, false, null, List.of(record));
    }

    /** "s3:ObjectCreated:Put" (MinIO and others) and "ObjectCreated:Put" (AWS) both become ObjectCreated:Put. */
    static String normaliseEventName(String eventName) {
        String name = eventName.trim();
        return name.regionMatches(true, 0, EVENT_NAME_PREFIX, 0, EVENT_NAME_PREFIX.length())
                ? name.substring(EVENT_NAME_PREFIX.length()) : name;
    }

    /** EventBridge names the API call (detail.reason); notifications name the event. */
    static String eventNameOfReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "ObjectCreated";
        }
        return switch (reason.trim()) {
            case "PutObject" -> "ObjectCreated:Put";
            case "POST Object", "PostObject" -> "ObjectCreated:Post";
            case "CopyObject" -> "ObjectCreated:Copy";
            case "CompleteMultipartUpload" -> "ObjectCreated:CompleteMultipartUpload";
            default -> "ObjectCreated:" + reason.trim().replace(" ", "");
        };
    }

    /** S3 notification keys are form-encoded: '+' is a space, %2B a '+'. */
    static String decodeKey(String rawKey, String where) {
        try {
            return URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(where + " '" + rawKey + "' is not URL-encoded as S3 encodes keys: "
                    + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(String text, String what) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new MalformedMessageException(what + " is empty; " + EXPECTED);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String requiredText(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedMessageException(where + " is missing");
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedMessageException(where + " must be a non-empty string, not " + value);
        }
        return value.asText();
    }

    private static String optionalText(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    private static Long optionalSize(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        long size;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            size = value.asLong();
        } else if (value.isTextual() && value.asText().matches("\\d{1,18}")) {
            size = Long.parseLong(value.asText());
        } else {
            throw new MalformedMessageException(where + " must be a whole number of bytes, not " + value);
        }
        if (size < 0) {
            throw new MalformedMessageException(where + " is negative: " + size);
        }
        return size;
    }

    private static Instant optionalTime(JsonNode parent, String field, String where) {
        String text = optionalText(parent, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    // S3-compatible stores (moto) leave the zone out; S3 times are UTC
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new MalformedMessageException(where + " '" + text + "' is not an ISO-8601 time", e);
                }
            }
        }
    }
}
