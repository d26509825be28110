package dev.sqsrouter.admin;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStatus;
import dev.sqsrouter.ingress.IngressSender;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/** The failure store across queues through the admin API: list, filter, page, count; and a replay that reads in pages. */
class AdminFailureListingTest extends IngressTestSupport {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private HttpResponse<String> admin(String path) {
        return call("GET", path, (String) null, "X-API-Key", ADMIN_KEY);
    }

    private void store(String alias, String group, int sequence, FailureClass failureClass, Instant at) {
        appFailureStore().record(new FailureRecord(queue(alias), group, Integer.toString(sequence), "m-" + sequence,
                "{\"data\":{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + sequence + "\",\"http_status\":200}}",
                failureClass, "x".repeat(400), 200, "{\"status_code\": 500}", 1, at, at));
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.path(name).asText()));
        return values;
    }

    @Test
    void listsEveryOpenFailureNewestFirstFilteredAndPaged() {
        for (int i = 1; i <= 7; i++) {
            store(i % 2 == 0 ? "queue-2" : "queue-1", "g/" + (i % 2), i, i == 5 ? FailureClass.MALFORMED : FailureClass.BUSINESS,
                    T0.plusSeconds(i));
        }
        List<String> seen = new ArrayList<>();
        String path = "/admin/failures?limit=3";
        int pages = 0;
        while (true) {
            HttpResponse<String> page = admin(path);
            assertEquals(200, page.statusCode(), page.body());
            seen.addAll(field(json(page).path("records"), "messageId"));
            pages++;
            if (json(page).path("next").isNull()) {
                break;
            }
            path = "/admin/failures?limit=3&cursor=" + json(page).path("next").asText();
        }
        assertEquals(List.of("m-7", "m-6", "m-5", "m-4", "m-3", "m-2", "m-1"), seen);
        assertEquals(3, pages);

        JsonNode first = json(admin("/admin/failures?limit=1")).path("records").get(0);
        assertEquals("queue-1", first.path("alias").asText());
        assertEquals("g/1", first.path("group").asText());
        assertEquals(FailureRecord.paddedSequence("7"), first.path("key").asText());
        assertEquals(303, first.path("reason").asText().length(), "the reason cut to 300 characters and ...");
        assertEquals("/admin/failures/queue-1/g%2F1/" + FailureRecord.paddedSequence("7"), first.path("link").asText());
        HttpResponse<String> linked = admin(first.path("link").asText());
        assertEquals(200, linked.statusCode(), linked.body());
        assertEquals("m-7", json(linked).path("messageId").asText());

        assertEquals(List.of("m-6", "m-4", "m-2"), field(json(admin("/admin/failures?queue=queue-2")).path("records"), "messageId"));
        assertEquals(List.of("m-5"), field(json(admin("/admin/failures?class=malformed")).path("records"), "messageId"));
        assertEquals(List.of("m-7", "m-5", "m-3", "m-1"), field(json(admin("/admin/failures?group=g%2F1")).path("records"), "messageId"));
        assertEquals(List.of("m-4", "m-3"), field(json(admin("/admin/failures?from=" + T0.plusSeconds(3) + "&to="
                + T0.plusSeconds(4))).path("records"), "messageId"));
        assertEquals(0, json(admin("/admin/failures?status=DISCARDED")).path("records").size());

        HttpResponse<String> counts = admin("/admin/failures/counts");
        assertEquals(200, counts.statusCode(), counts.body());
        assertEquals(7, json(counts).path("total").asInt(), counts.body());
        assertEquals(4, json(counts).path("queues").path("queue-1").path("total").asInt(), counts.body());
        assertEquals(1, json(counts).path("queues").path("queue-1").path("classes").path("MALFORMED").asInt(), counts.body());
        assertEquals(3, json(counts).path("queues").path("queue-2").path("classes").path("BUSINESS").asInt(), counts.body());
    }

    @Test
    void everyBadInputIsA400ThatSaysWhatToFix() {
        assertRefused(admin("/admin/failures?limit=0"), 400, "invalid_limit");
        assertRefused(admin("/admin/failures?limit=501"), 400, "invalid_limit");
        assertRefused(admin("/admin/failures?limit=ten"), 400, "invalid_limit");
        assertRefused(admin("/admin/failures?status=OPENED"), 400, "invalid_status");
        assertRefused(admin("/admin/failures?class=WRONG"), 400, "invalid_class");
        assertRefused(admin("/admin/failures?from=yesterday"), 400, "invalid_from");
        assertRefused(admin("/admin/failures?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"), 400, "invalid_range");
        assertRefused(admin("/admin/failures?cursor=abc"), 400, "invalid_cursor");
        assertRefused(admin("/admin/failures?queue=nope"), 404, "unknown_queue");
        assertRefused(admin("/admin/failures?sort=asc"), 400, "unknown_parameter");
        assertRefused(admin("/admin/failures?limit=1&limit=2"), 400, "repeated_parameter");
        assertRefused(admin("/admin/failures/counts?status=NOPE"), 400, "invalid_status");
        assertRefused(admin("/admin/failures/queue-1/g1?cursor=abc"), 400, "invalid_cursor");
    }

    @Test
    void aGroupListsInOrderPageByPage() {
        for (int seq = 12; seq >= 1; seq--) {
            store("queue-1", "pg", seq, FailureClass.BUSINESS, T0.plusSeconds(seq));
        }
        List<String> sequences = new ArrayList<>();
        String path = "/admin/failures/queue-1/pg?limit=5";
        while (path != null) {
            HttpResponse<String> page = admin(path);
            assertEquals(200, page.statusCode(), page.body());
            assertEquals("pg", json(page).path("group").asText());
            sequences.addAll(field(json(page).path("records"), "sequence"));
            path = json(page).path("next").isNull() ? null : "/admin/failures/queue-1/pg?limit=5&cursor=" + json(page).path("next").asText();
        }
        List<String> expected = new ArrayList<>();
        for (int seq = 1; seq <= 12; seq++) {
            expected.add(Integer.toString(seq));
        }
        assertEquals(expected, sequences);
    }

    @Test
    void aReplayReadsTheGroupPageByPageAndSendsItInExactOrder() {
        int records = 25;
        for (int seq = records; seq >= 1; seq--) {
            store("queue-1", "big", seq, FailureClass.BUSINESS, T0.plusSeconds(seq));
        }
        appFailureStore().discard(queue("queue-1"), "big", FailureRecord.paddedSequence("13"), "not this one", Instant.now());
        FailureReplay replay = new FailureReplay(appFailureStore(), new IngressSender(sqs), Clock.systemUTC(), 4);

        FailureReplay.Result result = replay.replay("queue-1", queue("queue-1"), "big");

        assertEquals(null, result.failure());
        assertEquals(24, result.replayed().size());
        assertTrue(result.pages() >= 7, "25 records in pages of 4 are at least 7 pages, read " + result.pages());
        List<String> expected = new ArrayList<>();
        for (int seq = 1; seq <= records; seq++) {
            if (seq != 13) {
                expected.add("{\"data\":{\"MessageGroupID\":\"big\",\"transSeq\":\"" + seq + "\",\"http_status\":200}}");
            }
        }
        await().atMost(30, SECONDS).until(() -> target.received().size() >= expected.size());
        assertEquals(expected, target.received(), "every OPEN record, in sequence order, once");
        assertTrue(failureStore().entries(queue("queue-1"), "big").stream()
                .allMatch(f -> f.status() == (f.record().sequence().equals("13") ? FailureStatus.DISCARDED : FailureStatus.REPLAYED)));
    }
}
