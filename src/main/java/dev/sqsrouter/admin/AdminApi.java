package dev.sqsrouter.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.failure.StoredFailure;
import dev.sqsrouter.http.ApiKeys;
import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.http.HttpApiResponses;
import dev.sqsrouter.http.HttpCall;
import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.sqs.SqsIds;
import dev.sqsrouter.sqs.OrderedSqsEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * The admin API under /admin, behind the admin API keys (admin.api-keys; an ingress key opens nothing here):
 * <ul>
 * <li>GET /admin/health: 200 when every route is started, else 503</li>
 * <li>GET /admin/stats: the counters of every ordered SQS consumer, by route</li>
 * <li>GET /admin/failures/&lt;alias&gt;/&lt;group&gt;: the group's failure records, in order</li>
 * <li>POST /admin/failures/&lt;alias&gt;/&lt;group&gt;/replay: re-send the group's OPEN records, in order</li>
 * <li>DELETE /admin/failures/&lt;alias&gt;/&lt;group&gt;/&lt;sequence&gt;: mark one record DISCARDED</li>
 * </ul>
 * Path segments are percent-decoded, so a group with '/' is written %2F.
 */
public class AdminApi {

    private static final String REPLAY = "replay";
    static final String OPENAPI = "openapi.yaml";

    private final CamelContext camelContext;
    private final Topology topology;
    private final FailureStore store;
    private final FailureReplay replay;
    private final Clock clock = Clock.systemUTC();

    public AdminApi(CamelContext camelContext, Topology topology, FailureStore store, FailureReplay replay) {
        this.camelContext = camelContext;
        this.topology = topology;
        this.store = store;
        this.replay = replay;
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
        if (path.size() == 2 && path.get(1).equals("health")) {
            require(call, "GET", resource);
            health(exchange);
        } else if (path.size() == 2 && path.get(1).equals("stats")) {
            require(call, "GET", resource);
            stats(exchange);
        } else if (path.size() >= 4 && path.size() <= 5 && path.get(1).equals("failures")) {
            String alias = path.get(2);
            String group = path.get(3);
            if (path.size() == 4) {
                require(call, "GET", resource);
                list(exchange, alias, queueOf(alias), group(group));
            } else if (path.get(4).equals(REPLAY)) {
                require(call, "POST", resource);
                replay(exchange, alias, queueOf(alias), group(group));
            } else {
                require(call, "DELETE", resource);
                discard(exchange, alias, queueOf(alias), group(group), path.get(4));
            }
        } else {
            throw new HttpApiException(404, "unknown_path", "no admin resource at " + resource + ": use /admin/health,"
                    + " /admin/stats or /admin/failures/<alias>/<group>[/replay|/<sequence>]");
        }
    }

    void health(Exchange exchange) {
        Map<String, Object> routes = new LinkedHashMap<>();
        boolean allStarted = camelContext.getStatus() == ServiceStatus.Started;
        for (Route route : camelContext.getRoutes()) {
            ServiceStatus status = camelContext.getRouteController().getRouteStatus(route.getRouteId());
            routes.put(route.getRouteId(), status == null ? "Unknown" : status.name());
            allStarted &= status == ServiceStatus.Started;
        }
        // a consumer whose breaker is open is not receiving because what it calls is failing: reported, but the app
        // itself is up (a load balancer must not take the ingress away because a response server is down)
        Map<String, Object> breakers = new LinkedHashMap<>();
        for (Route route : camelContext.getRoutes()) {
            if (route.getEndpoint() instanceof OrderedSqsEndpoint endpoint) {
                breakers.put(route.getRouteId(), endpoint.getStats().breakerState());
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", allStarted ? "UP" : "DOWN");
        answer.put("routes", routes);
        answer.put("breakers", breakers);
        answer.put("queues", queues());
        HttpApiResponses.json(exchange, allStarted ? 200 : 503, answer);
    }

    /** Each declared queue, its dead-letter queue and the routes this instance runs for it (none: another flow's instance, or ingress only). */
    private Map<String, Object> queues() {
        Map<String, Object> queues = new LinkedHashMap<>();
        for (RelayTopology.Queue queue : topology.relay().queues()) {
            queues.put(queue.alias(), queue(queue.relayed() ? "relay" : "ingress-only", queue.queue(), queue.deadLetterQueue(),
                    queue.relayed() ? List.of(queue.routeId(), Topology.archiveRouteId(queue.alias())) : List.of()));
        }
        topology.s3Events().ifPresent(s3 -> s3.queues().forEach(queue -> queues.put(queue.name(), queue("s3events",
                queue.queue(), queue.deadLetterQueue(), List.of(queue.routeId(), Topology.archiveRouteId(queue.name()))))));
        return queues;
    }

    private Map<String, Object> queue(String flow, String queue, String deadLetterQueue, List<String> routeIds) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("flow", flow);
        entry.put("queue", queue);
        entry.put("deadLetterQueue", deadLetterQueue);
        Map<String, Object> routes = new LinkedHashMap<>();
        for (String routeId : routeIds) {
            ServiceStatus status = camelContext.getRouteController().getRouteStatus(routeId);
            routes.put(routeId, status == null ? "NotRunHere" : status.name());
        }
        entry.put("routes", routes);
        return entry;
    }

    void stats(Exchange exchange) {
        Map<String, Object> consumers = new LinkedHashMap<>();
        for (Route route : camelContext.getRoutes()) {
            if (route.getEndpoint() instanceof OrderedSqsEndpoint endpoint) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("queue", endpoint.getConfiguration().getQueueName());
                entry.putAll(endpoint.getStats().toMap());
                consumers.put(route.getRouteId(), entry);
            }
        }
        HttpApiResponses.json(exchange, 200, Map.of("consumers", consumers));
    }

    void list(Exchange exchange, String alias, String queue, String group) {
        Map<String, Object> answer = head(alias, queue, group);
        answer.put("records", store.entries(queue, group).stream().map(AdminApi::json).toList());
        HttpApiResponses.json(exchange, 200, answer);
    }

    void replay(Exchange exchange, String alias, String queue, String group) {
        FailureReplay.Result result = replay.replay(alias, queue, group);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (result.failure() != null) {
            answer.putAll(HttpApiResponses.error("queue_unavailable", result.failure()));
        }
        answer.putAll(head(alias, queue, group));
        answer.put("replayed", result.replayed());
        answer.put("skipped", result.skipped());
        HttpApiResponses.json(exchange, result.failure() == null ? 200 : 503, answer);
    }

    void discard(Exchange exchange, String alias, String queue, String group, String sequence) {
        String sortKey = FailureStore.sortKeyOf(sequence);
        switch (store.discard(queue, group, sortKey, Instant.now(clock))) {
            case DONE -> {
                Map<String, Object> answer = head(alias, queue, group);
                answer.put("discarded", store.find(queue, group, sortKey).map(AdminApi::json).orElse(null));
                HttpApiResponses.json(exchange, 200, answer);
            }
            case NOT_FOUND -> throw new HttpApiException(404, "unknown_record", "no failure record of group " + group
                    + " in " + queue + " has sequence " + sequence + ": list them with GET /admin/failures/" + alias + "/<group>");
            case NOT_OPEN -> throw new HttpApiException(409, "not_open", "the record with sequence " + sequence + " is "
                    + store.find(queue, group, sortKey).map(f -> f.status().name()).orElse("gone") + " already; only OPEN records can be discarded");
        }
    }

    private static void require(HttpCall call, String method, String resource) {
        if (!method.equals(call.method())) {
            throw HttpApiException.methodNotAllowed(call.method(), method, resource);
        }
    }

    /** A relay alias, or the name of an S3 event queue (their records have the group "-"). */
    private String queueOf(String alias) {
        return topology.queueOf(alias).orElseThrow(() -> new HttpApiException(404, "unknown_queue", "no queue has the"
                + " alias '" + alias + "': use one of " + topology.relay().queues().stream().map(q -> q.alias()).toList()
                + " or an S3 event queue " + topology.s3Events().map(s3 -> s3.queues().stream().map(q -> q.name()).toList())
                        .orElse(java.util.List.of())));
    }

    private static String group(String group) {
        String problem = SqsIds.problem(group);
        if (problem != null) {
            throw new HttpApiException(400, "invalid_group", "the group in the path " + problem);
        }
        return group;
    }

    private static Map<String, Object> head(String alias, String queue, String group) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("alias", alias);
        head.put("queue", queue);
        head.put("group", group);
        return head;
    }

    static Map<String, Object> json(StoredFailure entry) {
        FailureRecord record = entry.record();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sequence", record.sequence());
        json.put("key", record.sortKey());
        json.put("messageId", record.messageId());
        json.put("idempotencyKey", record.replayIdempotencyKey());
        json.put("status", entry.status().name());
        json.put("class", record.failureClass().name());
        json.put("reason", record.reason());
        json.put("httpStatus", record.httpStatus());
        json.put("answer", record.answer());
        json.put("receiveCount", record.receiveCount());
        json.put("firstReceivedAt", text(record.firstReceivedAt()));
        json.put("recordedAt", text(record.recordedAt()));
        json.put("statusChangedAt", text(entry.statusChangedAt()));
        json.put("replayMessageId", entry.replayMessageId());
        json.put("body", record.body());
        if (entry.bodyRef() != null) {
            // too large for the table: the body above was read from there
            json.put("bodyRef", entry.bodyRef());
        }
        if (entry.storeNote() != null) {
            json.put("storeNote", entry.storeNote());
        }
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
