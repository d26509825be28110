package dev.sqsrouter.ingress;

import dev.sqsrouter.http.ApiKeys;
import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.http.HttpCall;
import dev.sqsrouter.config.QueueAliases;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;

/**
 * The ingress's checks before anything is sent, in order: the path names a queue (404) and the method is POST (405);
 * then, after the API key and its limits, the request itself (400, 413).
 */
public class IngressGate {

    /** Exchange property holding the alias of the addressed queue. */
    public static final String ALIAS = "sqsrouter.ingress.alias";

    private final QueueAliases aliases;
    private final long maxMessageBytes;

    public IngressGate(QueueAliases aliases, long maxMessageBytes) {
        this.aliases = aliases;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** 404 unless the path is /&lt;alias&gt; of a served queue, 405 unless the method is POST. */
    public void checkPath(Exchange exchange) {
        HttpCall call = HttpCall.of(exchange);
        List<String> segments = call.segments();
        String alias = segments.size() == 1 ? segments.get(0) : null;
        if (alias == null || aliases.queueOf(alias).isEmpty()) {
            throw new HttpApiException(404, "unknown_queue", "no queue is served at /" + String.join("/", segments)
                    + ": POST to one of " + aliases.queues().keySet().stream().map(a -> "/" + a).collect(Collectors.joining(", ")));
        }
        if (!"POST".equals(call.method())) {
            throw HttpApiException.methodNotAllowed(call.method(), "POST", "/" + alias);
        }
        exchange.setProperty(ALIAS, alias);
    }

    /** Reads the body and the Idempotency-Key into the request to send, scoped to the key's holder. */
    public IngressRequest readRequest(Exchange exchange) {
        String alias = exchange.getProperty(ALIAS, String.class);
        ApiKeys.Holder holder = exchange.getProperty(ApiKeys.HOLDER, ApiKeys.Holder.class);
        if (holder == null) {
            throw new IllegalStateException("the ingress key was not checked before the request was read");
        }
        HttpCall call = HttpCall.of(exchange);
        String contentType = call.header("Content-Type");
        if (contentType != null && isForm(contentType)) {
            // the server parses form bodies into fields: the JSON text would not reach us intact
            throw new HttpApiException(415, "unsupported_media_type", "Content-Type " + contentType.trim()
                    + " is not accepted: send the JSON object with Content-Type: application/json");
        }
        byte[] body = exchange.getIn().getBody(byte[].class);
        return IngressRequest.parse(alias, aliases.queueOf(alias).orElseThrow(), holder.identity(), body == null ? new byte[0] : body,
                call.header(IngressRequest.IDEMPOTENCY_HEADER), maxMessageBytes);
    }

    private static boolean isForm(String contentType) {
        String type = contentType.trim().toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
    }
}
