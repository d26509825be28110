package dev.sqsrouter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.List;

import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/** The admin API takes admin keys only: a producer's ingress key opens nothing there. */
class AdminKeysTest extends IngressTestSupport {

    private static final List<String[]> ADMIN_CALLS = List.of(new String[] {"GET", "/admin/failures"},
            new String[] {"GET", "/admin/failures/counts"}, new String[] {"GET", "/admin/failures/queue-1/g1"},
            new String[] {"GET", "/admin/failures/queue-1/g1/1"}, new String[] {"POST", "/admin/failures/queue-1/g1/replay"},
            new String[] {"DELETE", "/admin/failures/queue-1/g1/1"});

    @Test
    void anIngressKeyGets403OnEveryAdminOperation() {
        for (String[] call : ADMIN_CALLS) {
            assertRefused(call(call[0], call[1], (String) null, "X-API-Key", API_KEY), 403, "invalid_api_key");
            assertRefused(call(call[0], call[1], (String) null, "X-API-Key", "test-key-1"), 403, "invalid_api_key");
            assertRefused(call(call[0], call[1], (String) null), 401, "missing_api_key");
        }
    }

    @Test
    void theAdminKeyOpensTheAdminApiButNotTheIngress() {
        HttpResponse<String> counts = call("GET", "/admin/failures/counts", (String) null, "X-API-Key", ADMIN_KEY);
        assertEquals(200, counts.statusCode(), counts.body());
        HttpResponse<String> group = call("GET", "/admin/failures/queue-1/g1", (String) null, "X-API-Key", ADMIN_KEY);
        assertEquals(200, group.statusCode(), group.body());
        assertRefused(call("POST", "/queue-1", "{\"MessageGroupID\": \"g1\"}", "X-API-Key", ADMIN_KEY,
                "Content-Type", "application/json"), 403, "invalid_api_key");
        assertNothingEnqueued();
    }
}
