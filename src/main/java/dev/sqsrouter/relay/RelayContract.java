package dev.sqsrouter.relay;

import dev.sqsrouter.failure.MalformedMessageException;
import dev.sqsrouter.http.ResponseServerAnswer;
import dev.sqsrouter.sqs.SqsMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;

/**
 * The relay's wire contract: the SQS body is {"data": {...}}; the response server answers
 * {"status_code": N, "content": <request body>} and N == 200 (or no status_code) is success.
 */
public class RelayContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResponseServerAnswer answer = new ResponseServerAnswer();

    /** Checks the SQS body before anything is sent. */
    @Handler
    public void checkMessage(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new MalformedMessageException("empty message body; expected {\"data\": {...}}");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("message body is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("data").isObject()) {
            throw new MalformedMessageException("message body is not {\"data\": {...}}: the relay needs a JSON object with an object field 'data'");
        }
        SqsMessage message = exchange.getProperty(SqsMessage.PROPERTY, SqsMessage.class);
        if (message != null) {
            // read by the idempotency-key step as a plain property: no method call per message in the route
            exchange.setProperty(SqsMessage.IDEMPOTENCY_KEY_PROPERTY, message.idempotencyKey());
        }
    }

    /** Reads a 2xx answer: success unless status_code is present and not 200 (the answer check the flows share). */
    public void checkAnswer(Exchange exchange) {
        answer.check(exchange);
    }
}
