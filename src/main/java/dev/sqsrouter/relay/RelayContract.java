package dev.sqsrouter.relay;

import dev.sqsrouter.failure.BusinessFailureException;
import dev.sqsrouter.failure.MalformedMessageException;
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

    /** Reads a 2xx answer: success unless status_code is present and not 200. */
    public void checkAnswer(Exchange exchange) {
        int httpStatus = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String answer = exchange.getMessage().getBody(String.class);
        if (answer == null || answer.isBlank()) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (JsonProcessingException e) {
            // a 2xx that is not JSON carries no status_code: the HTTP status says success
            return;
        }
        JsonNode statusCode = root == null ? null : root.get("status_code");
        if (statusCode == null || statusCode.isNull()) {
            return;
        }
        if (!statusCode.canConvertToInt() || statusCode.asInt() != 200) {
            throw new BusinessFailureException("response server answered status_code " + statusCode, httpStatus, answer);
        }
    }
}
