package dev.sqsrouter.failure;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque cursor of a paged listing: DynamoDB's LastEvaluatedKey (string attributes only: the table's and the
 * status index's keys) as base64url JSON. A client passes it back as it got it; anything else is refused with
 * {@link InvalidCursorException}.
 */
final class FailureCursor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FailureCursor() {
    }

    /** The JSON object as a cursor. */
    static String encode(ObjectNode json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON object a cursor holds. */
    static ObjectNode decode(String cursor) {
        try {
            JsonNode json = JSON.readTree(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            if (json instanceof ObjectNode object) {
                return object;
            }
        } catch (IllegalArgumentException | JsonProcessingException e) {
            // refused below
        }
        throw new InvalidCursorException("the cursor is not one this API gave out: pass the 'next' of the previous page"
                + " unchanged, or leave it out to start from the first page");
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A DynamoDB key of string attributes as JSON. */
    static ObjectNode key(Map<String, AttributeValue> key) {
        ObjectNode json = JSON.createObjectNode();
        key.forEach((name, value) -> json.put(name, value.s()));
        return json;
    }

    /** A key back from JSON: exactly the given attribute names, each a string. */
    static Map<String, AttributeValue> key(JsonNode json, String... names) {
        if (json == null || !json.isObject() || json.size() != names.length) {
            throw new InvalidCursorException("the cursor's position is not one this listing gave out: pass the 'next' of"
                    + " the previous page of the same listing");
        }
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (String name : names) {
            JsonNode value = json.get(name);
            if (value == null || !value.isTextual()) {
                throw new InvalidCursorException("the cursor's position lacks '" + name + "': pass the 'next' of the"
                        + " previous page of the same listing");
            }
            key.put(name, AttributeValue.fromS(value.asText()));
        }
        return key;
    }
}
