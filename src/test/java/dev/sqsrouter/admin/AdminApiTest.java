package dev.sqsrouter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.List;

import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/** The admin API's guard and its answers to paths and methods it does not serve. */
class AdminApiTest extends IngressTestSupport {

    private HttpResponse<String> admin(String method, String path) {
        return call(method, path, (String) null, "X-API-Key", ADMIN_KEY);
    }

    @Test
    void everyAdminCallNeedsTheApiKey() {
        List<String[]> calls = List.of(new String[] {"GET", "/admin/failures/counts"},
                new String[] {"GET", "/admin/failures/queue-1/g1"}, new String[] {"POST", "/admin/failures/queue-1/g1/replay"},
                new String[] {"DELETE", "/admin/failures/queue-1/g1/1"}, new String[] {"GET", "/admin/nothing-here"});
        for (String[] call : calls) {
            assertRefused(call(call[0], call[1], (String) null), 401, "missing_api_key");
            assertRefused(call(call[0], call[1], (String) null, "X-API-Key", "wrong-key"), 403, "invalid_api_key");
            assertRefused(call(call[0], call[1] + "?X-API-Key=" + ADMIN_KEY, (String) null), 401, "missing_api_key");
        }
    }

    @Test
    void ingressAndAdminAreServedAfterTheirRoutesRestart() throws Exception {
        // a restarted route registers its path on the server again, after the JSON not-found fallback
        for (String route : List.of("ingress", "admin")) {
            context.getRouteController().stopRoute(route);
            context.getRouteController().startRoute(route);
        }
        assertEquals(200, post(HELD, "{\"MessageGroupID\": \"g1\"}").statusCode());
        assertEquals(200, admin("GET", "/admin/failures/counts").statusCode());
        assertRefused(admin("GET", "/no/such/path"), 404, "not_found");
    }

    @Test
    void healthAndStatsAreOnTheManagementPortNotHere() {
        // /observe/health/ready and /observe/metrics (ObservabilityTest) took their place, without a key
        assertRefused(admin("GET", "/admin/health"), 404, "unknown_path");
        assertRefused(admin("GET", "/admin/stats"), 404, "unknown_path");
    }

    @Test
    void unknownAdminPathsAliasesAndMethodsAreRefused() {
        assertRefused(admin("GET", "/admin/nothing-here"), 404, "unknown_path");
        assertRefused(admin("GET", "/admin/failures/queue-1"), 404, "unknown_path");
        assertRefused(admin("GET", "/admin/failures/queue-9/g1"), 404, "unknown_queue");
        assertRefused(admin("GET", "/admin/failures/queue-1/has%20space"), 400, "invalid_group");
        HttpResponse<String> postCounts = admin("POST", "/admin/failures/counts");
        assertRefused(postCounts, 405, "method_not_allowed");
        assertEquals("GET", postCounts.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> getReplay = admin("GET", "/admin/failures/queue-1/g1/replay");
        assertRefused(getReplay, 405, "method_not_allowed");
        assertEquals("POST", getReplay.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> postRecord = admin("POST", "/admin/failures/queue-1/g1/17");
        assertRefused(postRecord, 405, "method_not_allowed");
        assertEquals("GET, DELETE", postRecord.headers().firstValue("Allow").orElse(""));
    }
}
