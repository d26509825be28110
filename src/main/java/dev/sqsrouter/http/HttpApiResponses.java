package dev.sqsrouter.http;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes the HTTP API's JSON answers onto the exchange, with no request header leaking into the response. */
public final class HttpApiResponses {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpApiResponses() {
    }

    /** Answers with the status and the value as JSON. */
    public static void json(Exchange exchange, int status, Object value) {
        json(exchange, status, value, Map.of());
    }

    public static void json(Exchange exchange, int status, Object value, Map<String, String> headers) {
        Message message = exchange.getMessage();
        // request headers (X-API-Key among them) would otherwise be copied into the response
        message.removeHeaders("*");
        headers.forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            message.setBody(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the answer as JSON", e);
        }
    }

    /** The answer to a refused request: {"error": code, "message": what to fix}. */
    public static void refused(Exchange exchange) {
        HttpApiException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, HttpApiException.class);
        json(exchange, refusal.status(), error(refusal.error(), refusal.getMessage()), refusal.headers());
    }

    /** The answer to a failure of our own; the details stay in the log. */
    public static void internalError(Exchange exchange) {
        json(exchange, 500, error("internal_error", "the request could not be handled; it is logged under exchange "
                + exchange.getExchangeId()));
    }

    public static Map<String, Object> error(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", code);
        error.put("message", message);
        return error;
    }
}
