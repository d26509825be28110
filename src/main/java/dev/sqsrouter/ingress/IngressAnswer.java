package dev.sqsrouter.ingress;

import dev.sqsrouter.http.HttpApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The 200 answer, shaped as API Gateway's SQS integration returns SQS's SendMessage result:
 * {@code {"SendMessageResponse":{"ResponseMetadata":{"RequestId":..},"SendMessageResult":{..,"MessageId":..,
 * "SequenceNumber":..}},"repeat":false}}. A repeat (see {@link IngressSender#accept}) answers the first message's
 * result with {@code "repeat":true} and the header {@value #REPLAYED_HEADER}{@code : true}.
 */
public class IngressAnswer {

    /** The header that marks a repeat's answer, as HTTP APIs with idempotency keys name it. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    public void write(Exchange exchange) {
        IngressSent sent = exchange.getMessage().getBody(IngressSent.class);
        Map<String, Object> answer = new LinkedHashMap<>(of(sent.answer()));
        answer.put("repeat", sent.repeat());
        HttpApiResponses.json(exchange, 200, answer, sent.repeat() ? Map.of(REPLAYED_HEADER, "true") : Map.of());
    }

    static Map<String, Object> of(SendMessageResponse sent) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("MD5OfMessageAttributes", sent.md5OfMessageAttributes());
        result.put("MD5OfMessageBody", sent.md5OfMessageBody());
        result.put("MD5OfMessageSystemAttributes", sent.md5OfMessageSystemAttributes());
        result.put("MessageId", sent.messageId());
        result.put("SequenceNumber", sent.sequenceNumber());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("ResponseMetadata", Map.of("RequestId", requestId(sent)));
        response.put("SendMessageResult", result);
        return Map.of("SendMessageResponse", response);
    }

    private static String requestId(SendMessageResponse sent) {
        String id = sent.responseMetadata() == null ? null : sent.responseMetadata().requestId();
        return id == null ? "UNKNOWN" : id;
    }
}
