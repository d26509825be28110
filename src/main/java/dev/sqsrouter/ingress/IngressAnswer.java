package dev.sqsrouter.ingress;

import dev.sqsrouter.http.HttpApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The 200 answer, shaped as API Gateway's SQS integration returns SQS's SendMessage result:
 * {@code {"SendMessageResponse":{"ResponseMetadata":{"RequestId":..},"SendMessageResult":{..,"MessageId":..,
 * "SequenceNumber":..}}}}.
 */
public class IngressAnswer {

    public void write(Exchange exchange) {
        SendMessageResponse sent = exchange.getMessage().getBody(SendMessageResponse.class);
        HttpApiResponses.json(exchange, 200, of(sent));
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
