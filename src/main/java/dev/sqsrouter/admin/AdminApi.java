package dev.sqsrouter.admin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.http.ApiKeys;
import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.http.HttpApiResponses;
import dev.sqsrouter.http.HttpCall;
import dev.sqsrouter.config.Topology;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The admin API under /admin, behind the admin API keys (admin.api-keys; an ingress key opens nothing here). The
 * failure store's operations are {@link FailureOperations}' (the failures command runs the same); docs/http-api.md and
 * src/main/resources/openapi.yaml describe them:
 * <ul>
 * <li>GET /admin/failures?queue=&amp;group=&amp;class=&amp;status=&amp;from=&amp;to=&amp;limit=&amp;cursor=: records across queues, newest first, paged</li>
 * <li>GET /admin/failures/counts?status=: records per queue and class</li>
 * <li>GET /admin/failures/&lt;alias&gt;/&lt;group&gt;?limit=&amp;cursor=: the group's records, in order, paged</li>
 * <li>GET /admin/failures/&lt;alias&gt;/&lt;group&gt;/&lt;key&gt;: one record</li>
 * <li>POST /admin/failures/&lt;alias&gt;/&lt;group&gt;/replay: re-send the group's OPEN records, in order</li>
 * <li>DELETE /admin/failures/&lt;alias&gt;/&lt;group&gt;/&lt;key&gt; {"reason": ...}: mark one record DISCARDED</li>
 * <li>GET /admin/openapi.yaml: the OpenAPI description (no key)</li>
 * </ul>
 * Path segments are percent-decoded, so a group with '/' is written %2F. Health and the consumers' counters are on the
 * management port (/observe/health/ready, /observe/metrics), without a key.
 */
public class AdminApi {

    private static final String REPLAY = "replay";
    static final String OPENAPI = "openapi.yaml";
    private static final List<String> LIST_PARAMETERS = List.of("queue", "group", "class", "status", "from", "to", "limit", "cursor");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext camelContext;
    private final Topology topology;
    private final FailureOperations failures;

    public AdminApi(CamelContext camelContext, Topology topology, FailureOperations failures) {
        this.camelContext = camelContext;
        this.topology = topology;
        this.failures = failures;
    }

    /**
     * Lets the call through when its X-API-Key is an admin key; the OpenAPI description is public.
     *
     * @throws HttpApiException 401 without a key, 403 with any other key (an ingress key among them)
     */
    public void guard(Exchange exchange) {
        HttpCall call = HttpCall.of(exchange);
        if (isPublic(call)) {
            return;
        }
        ApiKeys keys = exchange.getContext().getRegistry().lookupByNameAndType("adminApiKeys", ApiKeys.class);
        if (keys == null) {
            throw new IllegalStateException("the admin API runs without admin keys (admin.api-keys)");
        }
        keys.check(exchange);
    }

    static boolean isPublic(HttpCall call) {
        return "GET".equals(call.method()) && call.segments().equals(List.of("admin", OPENAPI));
    }

    /** Answers one admin call (the API key is checked before). */
    public void handle(Exchange exchange) {
        HttpCall call = HttpCall.of(exchange);
        List<String> path = call.segments();
        String resource = "/" + String.join("/", path);
        if (path.size() == 2 && path.get(1).equals(OPENAPI)) {
            require(call, "GET", resource);
            openApi(exchange);
        } else if (path.size() == 2 && path.get(1).equals("failures")) {
            require(call, "GET", resource);
            Map<String, String> query = query(exchange, LIST_PARAMETERS);
            HttpApiResponses.json(exchange, 200, failures.list(new FailureOperations.ListRequest(query.get("queue"),
                    query.get("group"), query.get("class"), query.get("status"), query.get("from"), query.get("to"),
                    query.get("limit"), query.get("cursor"))));
        } else if (path.size() == 3 && path.get(1).equals("failures") && path.get(2).equals("counts")) {
            require(call, "GET", resource);
            HttpApiResponses.json(exchange, 200, failures.counts(query(exchange, List.of("status")).get("status")));
        } else if (path.size() >= 4 && path.size() <= 5 && path.get(1).equals("failures")) {
            String alias = path.get(2);
            String group = path.get(3);
            if (path.size() == 4) {
                require(call, "GET", resource);
                Map<String, String> query = query(exchange, List.of("limit", "cursor"));
                HttpApiResponses.json(exchange, 200, failures.group(alias, group, query.get("limit"), query.get("cursor")));
            } else if (path.get(4).equals(REPLAY)) {
                require(call, "POST", resource);
                FailureOperations.Outcome outcome = failures.replay(alias, group);
                HttpApiResponses.json(exchange, outcome.status(), outcome.answer());
            } else if ("GET".equals(call.method())) {
                HttpApiResponses.json(exchange, 200, failures.record(alias, group, path.get(4)));
            } else {
                require(call, "GET, DELETE", "DELETE", resource);
                HttpApiResponses.json(exchange, 200, failures.discard(alias, group, path.get(4), reason(exchange, call)));
            }
        } else {
            throw new HttpApiException(404, "unknown_path", "no admin resource at " + resource + ": use"
                    + " /admin/failures, /admin/failures/counts, /admin/failures/<alias>/<group>[/replay|/<key>]"
                    + " or /admin/openapi.yaml");
        }
    }

    /** The OpenAPI description, as packaged. */
    private static void openApi(Exchange exchange) {
        try (InputStream in = AdminApi.class.getResourceAsStream("/" + OPENAPI)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI + " is not packaged");
            }
            org.apache.camel.Message message = exchange.getMessage();
            message.removeHeaders("*");
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            message.setHeader(Exchange.CONTENT_TYPE, "application/yaml");
            message.setBody(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(OPENAPI + " could not be read", e);
        }
    }

    /**
     * The query parameters, each at most once and each one the resource knows.
     *
     * @throws HttpApiException 400 for an unknown or repeated parameter
     */
    static Map<String, String> query(Exchange exchange, List<String> known) {
        String raw = exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new HttpApiException(400, "invalid_query", "the query string is not percent-encoded: " + e.getMessage());
            }
            if (!known.contains(name)) {
                throw new HttpApiException(400, "unknown_parameter", "'" + name + "' is not a parameter here: use "
                        + String.join(", ", known));
            }
            if (parameters.put(name, value) != null) {
                throw new HttpApiException(400, "repeated_parameter", "'" + name + "' was given twice: give it once");
            }
        }
        return parameters;
    }

    /** The reason of a discard: the JSON body {"reason": "..."}. */
    private static String reason(Exchange exchange, HttpCall call) {
        String contentType = call.header("Content-Type");
        if (contentType != null && !contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpApiException(415, "unsupported_media_type", "Content-Type " + contentType.trim()
                    + " is not accepted: send {\"reason\": \"...\"} as application/json");
        }
        String body = exchange.getIn().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new HttpApiException(400, "missing_reason", "a discard needs a reason: send the body {\"reason\": \"why it"
                    + " is given up\"} with Content-Type: application/json");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new HttpApiException(400, "invalid_json", "the body is not JSON: send {\"reason\": \"...\"}");
        }
        JsonNode reason = json == null ? null : json.get("reason");
        if (reason == null || !reason.isTextual()) {
            throw new HttpApiException(400, "missing_reason", "the body needs a text field reason: {\"reason\": \"why it is"
                    + " given up\"}");
        }
        return reason.asText();
    }

    private static void require(HttpCall call, String method, String resource) {
        if (!method.equals(call.method())) {
            throw HttpApiException.methodNotAllowed(call.method(), method, resource);
        }
    }

    private static void require(HttpCall call, String allowed, String method, String resource) {
        if (!method.equals(call.method())) {
            throw HttpApiException.methodNotAllowed(call.method(), allowed, resource);
        }
    }
}
