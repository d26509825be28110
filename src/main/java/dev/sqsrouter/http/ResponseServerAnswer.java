package dev.sqsrouter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.failure.BusinessFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;

/**
 * Reads a response server's 2xx answer, {"status_code": N, "content": ...}: success unless status_code is present
 * and not 200. Every flow that calls a response server (the relay, the S3 audit) reads its answer here.
 */
public class ResponseServerAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Checks the answer in the exchange's message (the HTTP producer's reply).
     *
     * @throws BusinessFailureException when status_code is present and not 200
     */
    @Handler
    public void check(Exchange exchange) {
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
