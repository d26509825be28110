package dev.sqsrouter.admin;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/** The admin API's guard, health and stats. */
class AdminApiTest extends IngressTestSupport {

    private HttpResponse<String> admin(String method, String path) {
        return call(method, path, (String) null, "X-API-Key", ADMIN_KEY);
    }

    @Test
    void everyAdminCallNeedsTheApiKey() {
        List<String[]> calls = List.of(new String[] {"GET", "/admin/health"}, new String[] {"GET", "/admin/stats"},
                new String[] {"GET", "/admin/failures/queue-1/g1"}, new String[] {"POST", "/admin/failures/queue-1/g1/replay"},
                new String[] {"DELETE", "/admin/failures/queue-1/g1/1"}, new String[] {"GET", "/admin/nothing-here"});
        for (String[] call : calls) {
            assertRefused(call(call[0], call[1], (String) null), 401, "missing_api_key");
            assertRefused(call(call[0], call[1], (String) null, "X-API-Key", "wrong-key"), 403, "invalid_api_key");
            assertRefused(call(call[0], call[1] + "?X-API-Key=" + ADMIN_KEY, (String) null), 401, "missing_api_key");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void healthIsUpWhenEveryRouteIsStartedAndDownOtherwise() throws Exception {
        HttpResponse<String> up = admin("GET", "/admin/health");
        assertEquals(200, up.statusCode(), up.body());
        assertEquals("UP", json(up).path("status").asText());
        for (String route : List.of("ingress", "admin", "relay-queue-1", "relay-queue-2", "archive-queue-1", "archive-queue-2")) {
            assertEquals("Started", json(up).path("routes").path(route).asText(), route + " in " + up.body());
        }
        for (String route : List.of("relay-queue-1", "relay-queue-2", "archive-queue-1", "archive-queue-2")) {
            assertEquals("CLOSED", json(up).path("breakers").path(route).asText(), route + " in " + up.body());
        }
        assertTrue(json(up).path("breakers").path("ingress").isMissingNode(), "only SQS consumers have breakers");
        // every declared queue with the routes this instance runs for it; the held alias is ingress only
        JsonNode queues = json(up).path("queues");
        // in the order of the file, then the test's own; relay queues first
        assertEquals(List.of("queue-1", "queue-2", HELD, "image-thumbnails", "image-audit"), fieldNames(queues));
        assertEquals("relay", queues.path("queue-1").path("flow").asText());
        assertEquals(queue("queue-1"), queues.path("queue-1").path("queue").asText());
        assertEquals(deadLetterQueue("queue-1"), queues.path("queue-1").path("deadLetterQueue").asText());
        assertEquals("Started", queues.path("queue-1").path("routes").path("relay-queue-1").asText(), up.body());
        assertEquals("Started", queues.path("queue-1").path("routes").path("archive-queue-1").asText(), up.body());
        assertEquals("ingress-only", queues.path(HELD).path("flow").asText());
        assertEquals(0, queues.path(HELD).path("routes").size(), up.body());
        assertEquals("Started", queues.path("image-audit").path("routes").path("s3events-image-audit").asText(), up.body());

        context.getRouteController().stopRoute("archive-queue-2");
        HttpResponse<String> down = admin("GET", "/admin/health");
        assertEquals(503, down.statusCode(), down.body());
        assertEquals("DOWN", json(down).path("status").asText());
        assertEquals("Stopped", json(down).path("routes").path("archive-queue-2").asText());

        context.getRouteController().startRoute("archive-queue-2");
        assertEquals(200, admin("GET", "/admin/health").statusCode());
    }

    @Test
    void ingressAndAdminAreServedAfterTheirRoutesRestart() throws Exception {
        // a restarted route registers its path on the server again, after the JSON not-found fallback
        for (String route : List.of("ingress", "admin")) {
            context.getRouteController().stopRoute(route);
            context.getRouteController().startRoute(route);
        }
        assertEquals(200, post(HELD, "{\"MessageGroupID\": \"g1\"}").statusCode());
        assertEquals(200, admin("GET", "/admin/health").statusCode());
        assertRefused(admin("GET", "/no/such/path"), 404, "not_found");
    }

    @Test
    void statsCountWhatTheRelayDid() {
        for (int seq = 1; seq <= 3; seq++) {
            assertEquals(200, post("queue-1", "{\"MessageGroupID\": \"s1\", \"transSeq\": \"" + seq + "\"}").statusCode());
        }
        await().atMost(20, SECONDS).until(() -> target.received().size() == 3);
        await().atMost(10, SECONDS).untilAsserted(() -> {
            HttpResponse<String> stats = admin("GET", "/admin/stats");
            assertEquals(200, stats.statusCode(), stats.body());
            JsonNode relay = json(stats).path("consumers").path("relay-queue-1");
            assertEquals(queue("queue-1"), relay.path("queue").asText(), stats.body());
            assertEquals(3, relay.path("received").asLong(), stats.body());
            assertEquals(3, relay.path("deleted").asLong(), stats.body());
            assertEquals(0, json(stats).path("consumers").path("relay-queue-2").path("received").asLong(), stats.body());
            assertEquals(queue("queue-1").replace(".fifo", "-dlq.fifo"),
                    json(stats).path("consumers").path("archive-queue-1").path("queue").asText(), stats.body());
        });
    }

    @Test
    void unknownAdminPathsAliasesAndMethodsAreRefused() {
        assertRefused(admin("GET", "/admin/nothing-here"), 404, "unknown_path");
        assertRefused(admin("GET", "/admin/failures/queue-1"), 404, "unknown_path");
        assertRefused(admin("GET", "/admin/failures/queue-9/g1"), 404, "unknown_queue");
        assertRefused(admin("GET", "/admin/failures/queue-1/has%20space"), 400, "invalid_group");
        HttpResponse<String> postHealth = admin("POST", "/admin/health");
        assertRefused(postHealth, 405, "method_not_allowed");
        assertEquals("GET", postHealth.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> getReplay = admin("GET", "/admin/failures/queue-1/g1/replay");
        assertRefused(getReplay, 405, "method_not_allowed");
        assertEquals("POST", getReplay.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> postRecord = admin("POST", "/admin/failures/queue-1/g1/17");
        assertRefused(postRecord, 405, "method_not_allowed");
        assertEquals("GET, DELETE", postRecord.headers().firstValue("Allow").orElse(""));
    }
}
