package dev.sqsrouter.s3events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqsrouter.relay.RelayContract;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Reports each object event to the response server: POST {"data": {bucket, key, size, eTag, versionId, eventName,
 * eventTime, sequencer}} as application/json, the same request shape the relay sends ({"data": ...}), and reads the
 * answer by the relay's contract. So the outcomes are the relay's: status_code != 200 or a 3xx/4xx (but 408/429)
 * parks the record in the failure store (alone: the message's other records still run); refused, timed out, 5xx,
 * 408, 429 are retried and then left in SQS.
 * <p>
 * The call goes out on an exchange of its own: no header of the SQS message (message attributes arrive as
 * headers) can reach or steer it. It carries an {@code Idempotency-Key} header, the record's
 * {@link S3EventRecord#idempotencyKey()}: the same for every delivery of the event, so that the server can tell a
 * record it has seen (a message comes back whole when one of its records failed transiently).
 */
public class AuditProcessor implements S3EventRecordProcessor {

    /** The request header that names the event, the same for every delivery of it. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Endpoint target;
    private final ProducerTemplate template;
    private final RelayContract contract;

    /**
     * @param url               the response server URL
     * @param connectTimeoutMs  connection (and pool lease) timeout
     * @param responseTimeoutMs answer timeout
     */
    public AuditProcessor(CamelContext context, String url, int connectTimeoutMs, int responseTimeoutMs, RelayContract contract) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("s3events.audit.url is empty: set the URL of the response server the audit posts to");
        }
        String trimmed = url.trim();
        String options = "httpMethod=POST&connectTimeout=" + connectTimeoutMs + "&connectionRequestTimeout=" + connectTimeoutMs
                + "&responseTimeout=" + responseTimeoutMs + "&soTimeout=" + responseTimeoutMs;
        this.target = context.getEndpoint(trimmed + (trimmed.contains("?") ? "&" : "?") + options);
        this.template = context.createProducerTemplate();
        try {
            // stopped with the context, as the routes' own producers are
            context.addService(template, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("could not register the audit's producer template with the context", e);
        }
        this.contract = contract;
    }

    @Override
    public void process(S3EventRecord record) throws Exception {
        String body = summary(record);
        String idempotencyKey = record.idempotencyKey();
        Exchange answer = template.send(target, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setHeader(IDEMPOTENCY_KEY, idempotencyKey);
        });
        if (answer.getException() != null) {
            // as thrown, so that the failure policy classifies it (HttpOperationFailedException carries the status)
            throw answer.getException();
        }
        contract.checkAnswer(answer);
    }

    /** The request body: the record's fields, nulls included, so that the server sees one shape. */
    static String summary(S3EventRecord record) {
        ObjectNode data = JSON.createObjectNode();
        data.put("bucket", record.bucket());
        data.put("key", record.key());
        data.put("size", record.size());
        data.put("eTag", record.eTag());
        data.put("versionId", record.versionId());
        data.put("eventName", record.eventName());
        data.put("eventTime", record.eventTime() != null ? record.eventTime().toString() : null);
        data.put("sequencer", record.sequencer());
        ObjectNode request = JSON.createObjectNode();
        request.set("data", data);
        try {
            return JSON.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }
}
