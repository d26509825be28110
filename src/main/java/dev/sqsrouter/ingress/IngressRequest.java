package dev.sqsrouter.ingress;

import dev.sqsrouter.sqs.SqsIds;
import dev.sqsrouter.http.HttpApiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.sqsrouter.sqs.SqsMessage;

/**
 * One accepted ingress request, as API Gateway's mapping template made it: SQS body {@code {"data":B}} with B's
 * original text, MessageGroupId = B.MessageGroupID; the deduplication id is the producer's own: derived from the
 * queue, the producer (its key's identity) and the Idempotency-Key header (or, without one, the SHA-256 of B), so
 * that two producers never drop each other's messages.
 *
 * @param messageBody     the SQS message body, {@code {"data":} + B + {@code }}
 * @param groupId         B.MessageGroupID; a JSON number is taken as the text it was written with ({@code 10} -> "10")
 * @param deduplicationId see {@link #deduplicationId(String, String, String, byte[])}
 * @param idempotencyKey  the key the response server is to see, sent as the message attribute
 *                        {@value SqsMessage#IDEMPOTENCY_KEY_ATTRIBUTE}: the client's Idempotency-Key, or (a replay) the
 *                        key of the original message; null: no attribute, the SQS message id is the key
 */
public record IngressRequest(String alias, String queue, String messageBody, String groupId, String deduplicationId,
        String idempotencyKey) {

    public static final String GROUP_FIELD = "MessageGroupID";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    /** The mapping template's wrapper, byte for byte: {"data":$input.body}. */
    static final String PREFIX = "{\"data\":";
    static final String SUFFIX = "}";
    /** Bytes the wrapper adds to B. */
    static final int WRAPPER_BYTES = PREFIX.length() + SUFFIX.length();
    /** SQS message ids are UUIDs: a replay of a message sent without a key carries its 36-character id as the key. */
    static final int MESSAGE_ID_LENGTH = 36;

    /** A request without an idempotency-key attribute. */
    public IngressRequest(String alias, String queue, String messageBody, String groupId, String deduplicationId) {
        this(alias, queue, messageBody, groupId, deduplicationId, null);
    }

    /**
     * What the idempotency-key attribute adds to the SQS message size (SQS counts an attribute's name, data type and
     * value); for a message sent without one, the room a replay of it will need (the key is then its message id).
     */
    static int keyAttributeBytes(String idempotencyKey) {
        // keys are ASCII (SqsIds): one byte per character
        return SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE.length() + "String".length()
                + (idempotencyKey != null ? idempotencyKey.length() : MESSAGE_ID_LENGTH);
    }

    /** B nests one level less than Jackson reads by default: the wrapper {"data": B} adds one, and the relay must read it. */
    private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH - 1).build()).build();

    /**
     * Checks a request against SQS's rules, in this order: Idempotency-Key, size, JSON object, MessageGroupID. The
     * size counted is the SQS message's: the body {"data":B} and the idempotency-key attribute (see
     * {@link #keyAttributeBytes(String)}).
     *
     * @throws HttpApiException 400 or 413, saying what to fix
     */
    public static IngressRequest parse(String alias, String queue, String producer, byte[] body, String idempotencyKey,
            long maxMessageBytes) {
        if (idempotencyKey != null) {
            String problem = SqsIds.problem(idempotencyKey);
            if (problem != null) {
                throw new HttpApiException(400, "invalid_idempotency_key", "the " + IDEMPOTENCY_HEADER + " header " + problem
                        + " (it becomes the SQS MessageDeduplicationId)");
            }
        }
        long messageBytes = (long) body.length + WRAPPER_BYTES + keyAttributeBytes(idempotencyKey);
        if (messageBytes > maxMessageBytes) {
            throw new HttpApiException(413, "message_too_large", "the SQS message {\"data\": <body>} with its idempotency-key"
                    + " attribute would be " + messageBytes + " bytes (UTF-8); the limit is " + maxMessageBytes
                    + " bytes: send a smaller body");
        }
        String text = utf8(body);
        String groupId = groupOf(text);
        // SQS refuses U+FFFE and U+FFFF in a message body; JSON lets them stand unescaped in a string
        if (text.indexOf('\uFFFE') >= 0 || text.indexOf('\uFFFF') >= 0) {
            throw new HttpApiException(400, "invalid_characters",
                    "the body holds U+FFFE or U+FFFF, which SQS does not accept: write them as \\uFFFE / \\uFFFF escapes");
        }
        return new IngressRequest(alias, queue, PREFIX + text + SUFFIX, groupId, deduplicationId(queue, producer,
                idempotencyKey, body), idempotencyKey);
    }

    /**
     * The SQS MessageDeduplicationId of a producer's message: the SHA-256 (64 hex digits) of the queue, the producer's
     * identity and the client's Idempotency-Key (or, without one, the SHA-256 of B), one per line. Neither a queue name
     * nor an identity holds a line break, so different inputs never give the same text.
     */
    static String deduplicationId(String queue, String producer, String idempotencyKey, byte[] body) {
        String scoped = queue + "\n" + producer + "\n" + (idempotencyKey != null ? "key\n" + idempotencyKey : "body\n" + sha256Hex(body));
        return sha256Hex(scoped.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpApiException(400, "invalid_json", "the body is not UTF-8 text: send a JSON object encoded as UTF-8");
        }
    }

    /** Reads B in one pass: it must be exactly one JSON object; returns its MessageGroupID. */
    private static String groupOf(String text) {
        String group = null;
        boolean seen = false;
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new HttpApiException(400, "invalid_json", "the body is empty: send a JSON object with " + GROUP_FIELD);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new HttpApiException(400, "not_an_object", "the body is JSON but not an object (it starts with "
                        + describe(first) + "): send a JSON object with " + GROUP_FIELD);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (GROUP_FIELD.equals(field)) {
                    if (seen) {
                        throw new HttpApiException(400, "invalid_group", GROUP_FIELD + " appears more than once: send it once");
                    }
                    seen = true;
                    group = switch (value) {
                        case VALUE_STRING -> parser.getText();
                        // a number keeps the text it was written with: 10 -> "10", 1.50 -> "1.50"
                        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getText();
                        default -> throw new HttpApiException(400, "invalid_group", GROUP_FIELD + " must be a string (or a number), not "
                                + describe(value));
                    };
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw new HttpApiException(400, "invalid_json", "the body has more after its JSON object: send one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new HttpApiException(400, "invalid_json", "the body is not valid JSON (" + reason(e) + where(e)
                    + "): send a JSON object with " + GROUP_FIELD);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        if (!seen) {
            throw new HttpApiException(400, "missing_group", "the body has no " + GROUP_FIELD
                    + ": add the message group, e.g. {\"" + GROUP_FIELD + "\": \"10\", ...}");
        }
        String problem = SqsIds.problem(group);
        if (problem != null) {
            throw new HttpApiException(400, "invalid_group", GROUP_FIELD + " " + problem + " (it becomes the SQS MessageGroupId)");
        }
        return group;
    }

    /** Where the parser stopped; Jackson's limits (nesting depth, number length) name no place. */
    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** Jackson's own words, without its note on where the enclosing object started. */
    private static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        int note = reason.indexOf(" (start marker at");
        return note > 0 ? reason.substring(0, note) : reason;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() != null ? token.asString() : token.name();
        };
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
