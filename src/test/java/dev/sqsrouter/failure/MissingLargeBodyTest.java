package dev.sqsrouter.failure;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A record whose body object in S3 is gone (the bucket's lifecycle rule deletes exactly those): the group still lists,
 * the record shows with the body's absence named, and a replay skips it with that reason and sends the rest in order.
 */
class MissingLargeBodyTest extends IngressTestSupport {

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        // small bodies in S3 already
        properties.setProperty("failures.large-body-threshold-bytes", "1000");
    }

    private static String data(int seq, int padding) {
        return "{\"data\":{\"MessageGroupID\":\"mb\",\"transSeq\":\"" + seq + "\",\"http_status\":200,\"pad\":\""
                + "p".repeat(padding) + "\"}}";
    }

    private FailureRecord store(int sequence, String body) {
        FailureRecord record = new FailureRecord(queue("queue-1"), "mb", Integer.toString(sequence), "m-" + sequence, body,
                FailureClass.BUSINESS, "response server answered status_code 500", 200, "{\"status_code\": 500}", 1,
                Instant.now(), Instant.now());
        assertTrue(appFailureStore().record(record));
        return record;
    }

    private HttpResponse<String> admin(String method, String path) {
        return call(method, path, (String) null, "X-API-Key", ADMIN_KEY);
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.path(name).asText()));
        return values;
    }

    @Test
    void aRecordWhoseBodyObjectIsGoneListsShowsAndIsSkippedByReplayWithTheReason() {
        store(1, data(1, 10));
        String large = data(2, 5000);
        FailureRecord gone = store(2, large);
        store(3, data(3, 10));
        String key = FailureBodies.bodyKey(gone, large.getBytes(StandardCharsets.UTF_8));
        failureBodiesS3.deleteObject(b -> b.bucket(FAILURE_BODIES_BUCKET).key(key));
        String absence = "the body object s3://" + FAILURE_BODIES_BUCKET + "/" + key + " is gone";

        HttpResponse<String> listed = admin("GET", "/admin/failures/queue-1/mb");
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode records = json(listed).path("records");
        assertEquals(List.of("1", "2", "3"), field(records, "sequence"));
        assertEquals(List.of(data(1, 10), "null", data(3, 10)), field(records, "body"));
        assertTrue(records.get(1).path("body").isNull(), listed.body());
        assertEquals(absence, records.get(1).path("bodyMissing").asText(), listed.body());
        assertEquals(large.substring(0, FailureRecords.PREVIEW_CHARS) + "...[truncated]", records.get(1).path("bodyPreview").asText());
        assertTrue(records.get(0).path("bodyMissing").isMissingNode(), listed.body());

        HttpResponse<String> shown = admin("GET", "/admin/failures/queue-1/mb/2");
        assertEquals(200, shown.statusCode(), shown.body());
        assertTrue(json(shown).path("body").isNull(), shown.body());
        assertEquals(absence, json(shown).path("bodyMissing").asText(), shown.body());

        HttpResponse<String> replayed = admin("POST", "/admin/failures/queue-1/mb/replay");
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(List.of("1", "3"), field(json(replayed).path("replayed"), "sequence"), replayed.body());
        assertEquals(List.of("2"), field(json(replayed).path("skipped"), "sequence"), replayed.body());
        assertEquals(List.of(absence + ": not replayed, the record stays OPEN"),
                field(json(replayed).path("skipped"), "reason"), replayed.body());
        await().atMost(20, SECONDS).until(() -> target.received().size() >= 2);
        assertEquals(List.of(data(1, 10), data(3, 10)), target.received());
        assertEquals(List.of("REPLAYED", "OPEN", "REPLAYED"),
                field(json(admin("GET", "/admin/failures/queue-1/mb")).path("records"), "status"));
    }
}
