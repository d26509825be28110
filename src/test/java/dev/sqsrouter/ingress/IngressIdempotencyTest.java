package dev.sqsrouter.ingress;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.sqs.SqsMessage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An Idempotency-Key is the client's within its producer (its API key): two producers that send the same key both get
 * their message delivered; a producer that sends its key again gets the first message's answer, marked a repeat.
 */
class IngressIdempotencyTest extends IngressTestSupport {

    /** The other anonymous key of {@code ingress.api-keys} in tests, beside {@link #API_KEY}. */
    private static final String OTHER_KEY = "test-key-1";

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("ingress.keys.team-a.key", "team-a-secret");
        properties.setProperty("ingress.keys.team-b.key", "team-b-secret");
    }

    @Test
    void twoProducersWithTheSameClientKeyBothGetTheirMessageDelivered() {
        HttpResponse<String> first = postAs(OTHER_KEY, "queue-1", "{\"MessageGroupID\": \"g\", \"from\": \"one\"}", "1001");
        HttpResponse<String> second = postAs(API_KEY, "queue-1", "{\"MessageGroupID\": \"g\", \"from\": \"two\"}", "1001");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, second.statusCode(), second.body());
        assertNotEquals(messageId(first), messageId(second));
        assertEquals(false, json(second).path("repeat").asBoolean(true), second.body());

        await().atMost(20, SECONDS).until(() -> target.requests().size() >= 2);
        assertEquals(List.of("{\"data\":{\"MessageGroupID\": \"g\", \"from\": \"one\"}}",
                "{\"data\":{\"MessageGroupID\": \"g\", \"from\": \"two\"}}"), target.received());
        // the response server gets the client's own key, unchanged, with each
        assertEquals(List.of("1001", "1001"), target.requests().stream().map(r -> r.idempotencyKey()).toList());
    }

    @Test
    void namedProducersWithTheSameClientKeyDoNotCollide() {
        assertEquals(200, postAs("team-a-secret", HELD, "{\"MessageGroupID\": \"g\", \"from\": \"a\"}", "1001").statusCode());
        assertEquals(200, postAs("team-b-secret", HELD, "{\"MessageGroupID\": \"g\", \"from\": \"b\"}", "1001").statusCode());

        List<Message> messages = drain(queue(HELD));
        assertEquals(List.of("{\"data\":{\"MessageGroupID\": \"g\", \"from\": \"a\"}}", "{\"data\":{\"MessageGroupID\": \"g\", \"from\": \"b\"}}"),
                messages.stream().map(Message::body).toList());
        for (Message message : messages) {
            assertEquals("1001", message.messageAttributes().get(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE).stringValue());
            String deduplicationId = message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID);
            assertTrue(deduplicationId.matches("[0-9a-f]{64}"), deduplicationId);
        }
        assertNotEquals(messages.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID),
                messages.get(1).attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
    }

    @Test
    void sameProducerSendingItsKeyAgainGetsTheFirstAnswerMarkedARepeat() {
        HttpResponse<String> first = postAs("team-a-secret", HELD, "{\"MessageGroupID\": \"g\", \"try\": 1}", "order-7");
        HttpResponse<String> again = postAs("team-a-secret", HELD, "{\"MessageGroupID\": \"g\", \"try\": 2}", "order-7");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, again.statusCode(), again.body());

        assertEquals(false, json(first).path("repeat").asBoolean(true), first.body());
        assertEquals(Optional.empty(), first.headers().firstValue("Idempotent-Replayed"));
        assertEquals(true, json(again).path("repeat").asBoolean(false), again.body());
        assertEquals(Optional.of("true"), again.headers().firstValue("Idempotent-Replayed"));
        assertEquals(result(first).path("MessageId").asText(), result(again).path("MessageId").asText());
        assertEquals(result(first).path("SequenceNumber").asText(), result(again).path("SequenceNumber").asText());
        assertEquals(result(first).path("MD5OfMessageBody").asText(), result(again).path("MD5OfMessageBody").asText());

        List<Message> messages = drain(queue(HELD));
        assertEquals(List.of("{\"data\":{\"MessageGroupID\": \"g\", \"try\": 1}}"), messages.stream().map(Message::body).toList());
        assertEquals(messageId(first), messages.get(0).messageId());
        assertEquals(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, "order-7"), Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE,
                messages.get(0).messageAttributes().get(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE).stringValue()));
    }

    @Test
    void sameBodyWithoutAKeyFromTwoProducersIsTwoMessagesAndFromOneIsARepeat() {
        String body = "{\"MessageGroupID\": \"g\", \"status\": \"ok\"}";
        HttpResponse<String> a = postAs("team-a-secret", HELD, body, null);
        HttpResponse<String> b = postAs("team-b-secret", HELD, body, null);
        HttpResponse<String> aAgain = postAs("team-a-secret", HELD, body, null);
        assertEquals(false, json(b).path("repeat").asBoolean(true), b.body());
        assertEquals(true, json(aAgain).path("repeat").asBoolean(false), aAgain.body());
        assertEquals(messageId(a), messageId(aAgain));

        assertEquals(List.of(messageId(a), messageId(b)), drain(queue(HELD)).stream().map(Message::messageId).toList());
    }

    private HttpResponse<String> postAs(String apiKey, String alias, String body, String idempotencyKey) {
        return idempotencyKey == null
                ? call("POST", "/" + alias, body, "X-API-Key", apiKey, "Content-Type", "application/json")
                : call("POST", "/" + alias, body, "X-API-Key", apiKey, "Content-Type", "application/json",
                        "Idempotency-Key", idempotencyKey);
    }

    private static JsonNode result(HttpResponse<String> response) {
        return json(response).path("SendMessageResponse").path("SendMessageResult");
    }

    private static String messageId(HttpResponse<String> response) {
        return result(response).path("MessageId").asText();
    }
}
