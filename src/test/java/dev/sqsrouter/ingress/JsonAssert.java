package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** Small assertions on JSON answers. */
final class JsonAssert {

    private JsonAssert() {
    }

    /** The refusal's message mentions the text (it says what to fix). */
    static void contains(JsonNode refusal, String text) {
        String message = refusal.path("message").asText();
        assertTrue(message.contains(text), "message should mention " + text + ": " + message);
    }
}
