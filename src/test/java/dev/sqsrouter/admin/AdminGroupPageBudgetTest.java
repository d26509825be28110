package dev.sqsrouter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureRecords;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A group listing stays within admin.page-max-bytes however large its bodies: the bodies that fit come whole, the
 * others as their size, a preview and the record's link; every record of the page is there, in order.
 */
class AdminGroupPageBudgetTest extends IngressTestSupport {

    private static final int BUDGET = 100_000;
    private static final int BODY_CHARS = 30_000;

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("admin.page-max-bytes", Integer.toString(BUDGET));
        // half the bodies in S3, half in their items
        properties.setProperty("failures.large-body-threshold-bytes", "40000");
    }

    private static String body(int seq) {
        // multi-byte and escaped characters: the budget counts the answer's bytes, not the body's characters
        String unit = seq % 2 == 0 ? "\u00e9\"" : "ab";
        return "{\"data\":{\"MessageGroupID\":\"pb\",\"transSeq\":\"" + seq + "\",\"pad\":\"" + unit.repeat(BODY_CHARS / 2) + "\"}}";
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.path(name).asText()));
        return values;
    }

    @Test
    void aGroupOfLargeBodiesListsWithinTheByteBudget() {
        List<String> sequences = new ArrayList<>();
        for (int seq = 1; seq <= 12; seq++) {
            appFailureStore().record(new FailureRecord(queue("queue-1"), "pb", Integer.toString(seq), "m-" + seq, body(seq),
                    FailureClass.BUSINESS, "status_code 500", 200, "{\"status_code\": 500}", 1, Instant.now(), Instant.now()));
            sequences.add(Integer.toString(seq));
        }
        HttpResponse<String> listed = call("GET", "/admin/failures/queue-1/pb?limit=50", (String) null, "X-API-Key", ADMIN_KEY);
        assertEquals(200, listed.statusCode(), listed.body().substring(0, Math.min(2000, listed.body().length())));
        int bytes = listed.body().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= BUDGET, "the answer has " + bytes + " bytes, over the budget of " + BUDGET);

        JsonNode records = json(listed).path("records");
        assertEquals(sequences, field(records, "sequence"), "every record of the group, in order");
        int whole = 0;
        for (JsonNode record : records) {
            int seq = record.path("sequence").asInt();
            if (record.path("body").isNull()) {
                assertEquals(body(seq).getBytes(StandardCharsets.UTF_8).length, record.path("bodyBytes").asInt());
                assertEquals(body(seq).substring(0, FailureRecords.PREVIEW_CHARS) + "...[truncated]", record.path("bodyPreview").asText());
                assertEquals("the body is beyond this page's byte budget (admin.page-max-bytes): GET "
                        + "/admin/failures/queue-1/pb/" + record.path("key").asText() + " shows it whole", record.path("bodyOmitted").asText());
            } else {
                assertEquals(body(seq), record.path("body").asText());
                whole++;
            }
        }
        assertEquals(2, whole, "bodies as whole as the budget lets: " + bytes + " bytes");
        // the record alone always shows its body whole
        HttpResponse<String> one = call("GET", "/admin/failures/queue-1/pb/12", (String) null, "X-API-Key", ADMIN_KEY);
        assertEquals(body(12), json(one).path("body").asText());
    }
}
