package dev.sqsrouter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/** The running API answers as GET /admin/openapi.yaml describes it: every call, success and refusal. */
class AdminOpenApiTest extends IngressTestSupport {

    private final List<String> checked = new ArrayList<>();

    private OpenApiInteractionValidator validator() {
        HttpResponse<String> description = call("GET", "/admin/openapi.yaml", (String) null);
        assertEquals(200, description.statusCode(), "the description needs no key: " + description.body());
        assertTrue(description.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        assertTrue(description.body().startsWith("openapi: 3.0"), description.body());
        return OpenApiInteractionValidator.createForInlineApiSpecification(description.body()).build();
    }

    /** Calls the API and checks the answer against the description of that path, method and status. */
    private HttpResponse<String> check(OpenApiInteractionValidator validator, String method, String path, String template,
            String body, int status, String... headers) {
        HttpResponse<String> response = call(method, path, body, headers);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        ValidationReport report = validator.validateResponse(template, Request.Method.valueOf(method),
                SimpleResponse.Builder.status(response.statusCode())
                        .withContentType(response.headers().firstValue("Content-Type").orElse(""))
                        .withBody(response.body()).build());
        assertFalse(report.hasErrors(), method + " " + path + " " + status + " does not match the description: "
                + report.getMessages() + "\n" + response.body());
        checked.add(method + " " + template + " " + status);
        return response;
    }

    @Test
    void everyAnswerMatchesTheDescription() {
        OpenApiInteractionValidator validator = validator();
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        for (int seq = 1; seq <= 3; seq++) {
            appFailureStore().record(new FailureRecord(queue("queue-1"), "oa", Integer.toString(seq), "m-" + seq,
                    "{\"data\":{\"MessageGroupID\":\"oa\"}}", FailureClass.BUSINESS, "status_code 500", 200,
                    "{\"status_code\": 500}", 1, at.plusSeconds(seq), at.plusSeconds(seq), "key-" + seq, null));
        }
        String key = FailureRecord.paddedSequence("2");
        String[] admin = {"X-API-Key", ADMIN_KEY};
        String[] adminJson = {"X-API-Key", ADMIN_KEY, "Content-Type", "application/json"};

        check(validator, "GET", "/admin/failures?limit=2", "/admin/failures", null, 200, admin);
        check(validator, "GET", "/admin/failures?status=ALL&queue=queue-1&class=BUSINESS&from=2026-12-01T00:00:00Z",
                "/admin/failures", null, 200, admin);
        check(validator, "GET", "/admin/failures?limit=0", "/admin/failures", null, 400, admin);
        check(validator, "GET", "/admin/failures", "/admin/failures", null, 401);
        check(validator, "GET", "/admin/failures", "/admin/failures", null, 403, "X-API-Key", API_KEY);
        check(validator, "GET", "/admin/failures/counts", "/admin/failures/counts", null, 200, admin);
        check(validator, "GET", "/admin/failures/queue-1/oa?limit=2", "/admin/failures/{alias}/{group}", null, 200, admin);
        check(validator, "GET", "/admin/failures/nope/oa", "/admin/failures/{alias}/{group}", null, 404, admin);
        check(validator, "GET", "/admin/failures/queue-1/oa/" + key, "/admin/failures/{alias}/{group}/{key}", null, 200, admin);
        check(validator, "DELETE", "/admin/failures/queue-1/oa/" + key, "/admin/failures/{alias}/{group}/{key}", "{}", 400, adminJson);
        check(validator, "DELETE", "/admin/failures/queue-1/oa/" + key, "/admin/failures/{alias}/{group}/{key}",
                "{\"reason\": \"sent by hand\"}", 200, adminJson);
        check(validator, "DELETE", "/admin/failures/queue-1/oa/" + key, "/admin/failures/{alias}/{group}/{key}",
                "{\"reason\": \"again\"}", 409, adminJson);
        check(validator, "GET", "/admin/failures/queue-1/oa/" + key, "/admin/failures/{alias}/{group}/{key}", null, 200, admin);
        check(validator, "GET", "/admin/failures/queue-1/oa/99", "/admin/failures/{alias}/{group}/{key}", null, 404, admin);
        check(validator, "POST", "/admin/failures/queue-1/oa/replay", "/admin/failures/{alias}/{group}/replay", null, 200, admin);
        check(validator, "GET", "/admin/failures?status=REPLAYED", "/admin/failures", null, 200, admin);
        check(validator, "POST", "/" + HELD, "/{alias}", "{\"MessageGroupID\": \"g1\"}", 200,
                "X-API-Key", API_KEY, "Content-Type", "application/json");
        check(validator, "POST", "/" + HELD, "/{alias}", "{\"no\": \"group\"}", 400,
                "X-API-Key", API_KEY, "Content-Type", "application/json");
        assertEquals(18, checked.size(), checked.toString());
    }
}
