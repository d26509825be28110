package dev.sqsrouter.ingress;

import dev.sqsrouter.sqs.SqsIds;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sqs.SqsMessage;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** What the ingress sends for an accepted request, and what it answers. */
class IngressTest extends IngressTestSupport {

    /** An alias whose queue is a standard queue. */
    private static final String PLAIN = "plain";

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("relay.queues." + PLAIN + ".queue", prefix + "-" + PLAIN);
        properties.setProperty("relay.queues." + PLAIN + ".ingress-only", "true");
    }

    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        new Provisioner(sqs, dynamoDb).queue(prefix + "-" + PLAIN, Map.of());
    }

    @Test
    void relayTargetReceivesExactlyTheDataWrappedBody() throws Exception {
        // odd spacing, a newline, number spellings and escapes: B must arrive as written, not re-serialised
        String body = "{ \"MessageGroupID\" : \"g-exact\",\n\t\"transSeq\":\"1\", \"n\": 1.50, \"e\": 1E3,"
                + " \"u\": \"caf\u00e9 \\u00e9 \\\"q\\\"\", \"nested\": {\"a\": [1, 2]}, \"http_status\": 200 }";
        HttpResponse<String> response = post("queue-1", body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode result = json(response).path("SendMessageResponse").path("SendMessageResult");
        assertTrue(!result.path("MessageId").asText().isBlank(), response.body());
        assertTrue(result.path("SequenceNumber").asText().matches("\\d+"), response.body());
        String expected = "{\"data\":" + body + "}";
        assertEquals(md5Hex(expected), result.path("MD5OfMessageBody").asText());
        assertTrue(json(response).path("SendMessageResponse").path("ResponseMetadata").has("RequestId"), response.body());

        await().atMost(20, SECONDS).until(() -> !target.received().isEmpty());
        assertEquals(List.of(expected), target.received());
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
    }

    @Test
    void sentMessageHasTheGroupOfTheBodyAndTheAnsweredIds() {
        String body = "{\"MessageGroupID\": \"g-held\", \"transSeq\": \"1\"}";
        JsonNode result = json(post(HELD, body)).path("SendMessageResponse").path("SendMessageResult");

        List<Message> messages = drain(queue(HELD));
        assertEquals(1, messages.size());
        Message message = messages.get(0);
        assertEquals("{\"data\":" + body + "}", message.body());
        assertEquals("g-held", message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        // without an Idempotency-Key: the body's hash, scoped to the queue and the producer (the key's identity)
        assertEquals(IngressRequest.deduplicationId(queue(HELD), "sha256:" + sha256Hex(API_KEY), null,
                body.getBytes(StandardCharsets.UTF_8)), message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
        assertEquals(result.path("MessageId").asText(), message.messageId());
        assertEquals(result.path("SequenceNumber").asText(), message.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER));
        assertEquals(Map.of(), message.messageAttributes());
    }

    @Test
    void numericMessageGroupIdIsTakenAsWritten() {
        assertEquals(200, post(HELD, "{\"MessageGroupID\": 10, \"transSeq\": \"1\"}").statusCode());
        assertEquals(200, post(HELD, "{\"MessageGroupID\": 1.50, \"transSeq\": \"2\"}").statusCode());

        List<String> groups = drain(queue(HELD)).stream()
                .map(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).sorted().toList();
        assertEquals(List.of("1.50", "10"), groups);
    }

    @Test
    void idempotencyKeySentTwiceMakesOneMessage() {
        HttpResponse<String> first = post(HELD, "{\"MessageGroupID\": \"g1\", \"try\": 1}", "Idempotency-Key", "order-42:v1");
        HttpResponse<String> second = post(HELD, "{\"MessageGroupID\": \"g1\", \"try\": 2}", "Idempotency-Key", "order-42:v1");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, second.statusCode(), second.body());

        List<Message> messages = drain(queue(HELD));
        assertEquals(List.of("{\"data\":{\"MessageGroupID\": \"g1\", \"try\": 1}}"), messages.stream().map(Message::body).toList());
        assertEquals(IngressRequest.deduplicationId(queue(HELD), "sha256:" + sha256Hex(API_KEY), "order-42:v1", null),
                messages.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID));
        // the key travels with the message, for the relay to call the response server with it
        assertEquals(Map.of(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE, "order-42:v1"), messages.get(0).messageAttributes().entrySet()
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stringValue())));
    }

    @Test
    void sameBodyWithoutIdempotencyKeyIsSentOnceAndOtherBodiesAreNot() {
        String body = "{\"MessageGroupID\": \"g1\", \"transSeq\": \"1\"}";
        assertEquals(200, post(HELD, body).statusCode());
        assertEquals(200, post(HELD, body).statusCode());
        assertEquals(200, post(HELD, body.replace("\"1\"", "\"2\"")).statusCode());

        assertEquals(List.of("{\"data\":" + body + "}", "{\"data\":" + body.replace("\"1\"", "\"2\"") + "}"),
                drain(queue(HELD)).stream().map(Message::body).toList());
    }

    @Test
    void noMessageAttributeCanBeInjected() {
        // API Gateway's form-encoded SendMessage could be steered by '&' in the group; headers and query parameters
        // must not become attributes either (a CamelHttpUri attribute would steer the relay's HTTP call)
        String group = "g&MessageAttribute.1.Name=CamelHttpUri&MessageAttribute.1.Value.StringValue=x";
        String body = "{\"MessageGroupID\": \"" + group + "\", \"transSeq\": \"1\"}";
        String query = "?MessageAttribute.1.Name=CamelHttpUri&MessageAttribute.1.Value.DataType=String"
                + "&MessageAttribute.1.Value.StringValue=http%3A%2F%2F127.0.0.1%3A1%2F";
        HttpResponse<String> response = call("POST", "/" + HELD + query, body, "X-API-Key", API_KEY,
                "Content-Type", "application/json", "CamelHttpUri", "http://127.0.0.1:1/",
                "MessageAttribute.1.Name", "CamelHttpUri", "x-amz-meta-attr", "1", "CamelAwsSqsMessageAttributes", "x");
        assertEquals(200, response.statusCode(), response.body());

        List<Message> messages = drain(queue(HELD));
        assertEquals(1, messages.size());
        assertEquals(Map.of(), messages.get(0).messageAttributes());
        assertEquals(group, messages.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        assertEquals("{\"data\":" + body + "}", messages.get(0).body());
    }

    @Test
    void messageJustUnderOneMebibyteIsAcceptedAndRelayed() {
        // the shipped limit is SQS's 1 MiB; a message exactly at it (2-byte characters, counted in bytes) goes through
        assertEquals(1048576, maxMessageBytes());
        String body = bodyForMessageBytes(maxMessageBytes(), null);
        String expected = "{\"data\":" + body + "}";
        assertTrue(expected.getBytes(StandardCharsets.UTF_8).length > 1048576 - 100, "just under 1 MiB");

        HttpResponse<String> response = post("queue-1", body);
        assertEquals(200, response.statusCode(), response.body());
        String messageId = json(response).path("SendMessageResponse").path("SendMessageResult").path("MessageId").asText();

        await().atMost(30, SECONDS).until(() -> !target.received().isEmpty());
        assertEquals(List.of(expected), target.received());
        assertEquals(messageId, target.requests().get(0).idempotencyKey());
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        assertEquals(List.of(), failures("queue-1", "g1"));
    }

    @Test
    void messageWithAClientKeyAtTheSizeLimitIsAccepted() {
        String key = "k".repeat(SqsIds.MAX_LENGTH);
        String body = bodyForMessageBytes(maxMessageBytes(), key);

        HttpResponse<String> response = post(HELD, body, "Idempotency-Key", key);
        assertEquals(200, response.statusCode(), response.body());
        List<Message> messages = drain(queue(HELD));
        assertEquals(1, messages.size());
        assertEquals("{\"data\":" + body + "}", messages.get(0).body());
        assertEquals(key, messages.get(0).messageAttributes().get(SqsMessage.IDEMPOTENCY_KEY_ATTRIBUTE).stringValue());
    }

    @Test
    void withoutAClientKeyTheResponseServerGetsTheSqsMessageIdAsIdempotencyKey() {
        HttpResponse<String> response = post("queue-1", "{\"MessageGroupID\": \"g-key\", \"transSeq\": \"1\"}");
        assertEquals(200, response.statusCode(), response.body());
        String messageId = json(response).path("SendMessageResponse").path("SendMessageResult").path("MessageId").asText();

        await().atMost(20, SECONDS).until(() -> !target.requests().isEmpty());
        assertFalse(messageId.isBlank(), response.body());
        assertEquals(messageId, target.requests().get(0).idempotencyKey());
    }

    @Test
    void theClientsIdempotencyKeyReachesTheResponseServerUnchanged() {
        HttpResponse<String> response = post("queue-1", "{\"MessageGroupID\": \"g-key\", \"transSeq\": \"1\"}",
                "Idempotency-Key", "order-42:v1/\"x\"");
        assertEquals(200, response.statusCode(), response.body());
        String messageId = json(response).path("SendMessageResponse").path("SendMessageResult").path("MessageId").asText();

        await().atMost(20, SECONDS).until(() -> !target.requests().isEmpty());
        assertEquals("order-42:v1/\"x\"", target.requests().get(0).idempotencyKey());
        assertNotEquals(messageId, target.requests().get(0).idempotencyKey());
    }

    @Test
    void loadScriptThroughTheIngressArrivesInOrder() {
        int n = 20;
        for (int seq = 1; seq <= n; seq++) {
            HttpResponse<String> response = post("queue-1", "{\"MessageGroupID\": \"10\", \"transSeq\":\"" + seq
                    + "\", \"time_out\":0.5, \"http_status\":200, \"createdAt\":\"2024-01-01 00:00:00-000\"}");
            assertEquals(200, response.statusCode(), response.body());
        }
        await().atMost(30, SECONDS).until(() -> target.received().size() >= n);
        List<String> expected = IntStream.rangeClosed(1, n).mapToObj(i -> "\"transSeq\":\"" + i + "\"").toList();
        assertEquals(expected, target.received().stream().map(b -> b.replaceAll(".*(\"transSeq\":\"\\d+\").*", "$1")).toList());
    }

    @Test
    void standardQueueGetsTheBodyWithoutGroupOrDeduplication() {
        String body = "{\"MessageGroupID\": \"g1\", \"transSeq\": \"1\"}";
        HttpResponse<String> response = post(PLAIN, body);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).path("SendMessageResponse").path("SendMessageResult").path("SequenceNumber").isNull(), response.body());

        List<Message> messages = drain(prefix + "-" + PLAIN);
        assertEquals(1, messages.size());
        assertEquals("{\"data\":" + body + "}", messages.get(0).body());
        assertEquals(null, messages.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
    }

    @Test
    void nothingEnqueuedCheckSeesASentMessageInTheQueueAndAtTheTarget() {
        // the rejection tests rely on this check: it must fail while the message waits and once it was relayed
        assertEquals(200, post("queue-1", "{\"MessageGroupID\": \"g1\", \"transSeq\": \"1\"}").statusCode());
        assertThrows(AssertionError.class, this::assertNothingEnqueued);
        await().atMost(20, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0 && target.received().size() == 1);
        assertThrows(AssertionError.class, this::assertNothingEnqueued);
    }

    private static String md5Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String sha256Hex(String text) {
        return IngressRequest.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }
}
