package dev.sqsrouter.admin;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.ingress.IngressTestSupport;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;

/** The failure store through the admin API: list a group in order, replay its OPEN records, discard one. */
class AdminFailuresTest extends IngressTestSupport {

    /** An alias whose queue was never created: SQS refuses whatever is sent there. */
    private static final String GONE = "gone";

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        properties.setProperty("relay.queues." + GONE + ".queue", queue(GONE));
        properties.setProperty("relay.queues." + GONE + ".ingress-only", "true");
    }

    private HttpResponse<String> admin(String method, String path) {
        return call(method, path, (String) null, "X-API-Key", ADMIN_KEY);
    }

    private HttpResponse<String> discard(String path, String reason) {
        return call("DELETE", path, "{\"reason\": \"" + reason + "\"}", "X-API-Key", ADMIN_KEY, "Content-Type", "application/json");
    }

    private static String data(String group, int seq) {
        return "{\"data\":{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + seq + "\",\"http_status\":200}}";
    }

    /** A record as the relay parks it, for queue alias and group, with the given SQS sequence number. */
    private void store(String alias, String group, int sequence) {
        appFailureStore().record(new FailureRecord(queue(alias), group, Integer.toString(sequence),
                "message-" + sequence, data(group, sequence), FailureClass.BUSINESS, "response server answered status_code 500",
                200, "{\"status_code\": 500}", 1, Instant.now(), Instant.now()));
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.path(name).asText()));
        return values;
    }

    @Test
    void businessFailuresOfAGroupAreListedInOrder() {
        List<String> sequences = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            String body = "{\"MessageGroupID\": \"bf\", \"transSeq\": \"" + seq + "\", \"http_status\": " + (seq == 2 ? 200 : 500) + "}";
            HttpResponse<String> sent = post("queue-1", body);
            assertEquals(200, sent.statusCode(), sent.body());
            if (seq != 2) {
                sequences.add(json(sent).path("SendMessageResponse").path("SendMessageResult").path("SequenceNumber").asText());
            }
        }
        await().atMost(20, SECONDS).until(() -> failures("queue-1", "bf").size() == 2);

        HttpResponse<String> listed = admin("GET", "/admin/failures/queue-1/bf");
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode records = json(listed).path("records");
        assertEquals(sequences, field(records, "sequence"));
        assertEquals(List.of("OPEN", "OPEN"), field(records, "status"));
        assertEquals(List.of("BUSINESS", "BUSINESS"), field(records, "class"));
        assertEquals(List.of("{\"data\":{\"MessageGroupID\": \"bf\", \"transSeq\": \"1\", \"http_status\": 500}}",
                "{\"data\":{\"MessageGroupID\": \"bf\", \"transSeq\": \"3\", \"http_status\": 500}}"), field(records, "body"));
        assertEquals("bf", json(listed).path("group").asText());
        assertEquals(queue("queue-1"), json(listed).path("queue").asText());
    }

    @Test
    void aReplayedBusinessFailureReachesTheResponseServerWithTheKeyOfItsFirstDelivery() {
        // one message without a key of its own (its SQS message id is the key), one with the client's Idempotency-Key;
        // the server refuses both (status_code 500), so both are parked, then replayed
        HttpResponse<String> first = post("queue-1", "{\"MessageGroupID\": \"ik\", \"transSeq\": \"1\", \"http_status\": 500}");
        HttpResponse<String> second = post("queue-1", "{\"MessageGroupID\": \"ik\", \"transSeq\": \"2\", \"http_status\": 500}",
                "Idempotency-Key", "client-key-2");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, second.statusCode(), second.body());
        String firstId = json(first).path("SendMessageResponse").path("SendMessageResult").path("MessageId").asText();
        await().atMost(20, SECONDS).until(() -> failures("queue-1", "ik").size() == 2);
        List<String> firstDelivery = keysReceived();
        assertEquals(List.of(firstId, "client-key-2"), firstDelivery);
        assertEquals(firstDelivery, failures("queue-1", "ik").stream().map(FailureRecord::idempotencyKey).toList());
        JsonNode listed = json(admin("GET", "/admin/failures/queue-1/ik")).path("records");
        assertEquals(firstDelivery, field(listed, "idempotencyKey"));

        HttpResponse<String> replayed = admin("POST", "/admin/failures/queue-1/ik/replay");
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(2, json(replayed).path("replayed").size(), replayed.body());

        // the copies are new SQS messages; the server sees them with the keys of the first delivery, in order
        await().atMost(20, SECONDS).until(() -> target.requests().size() >= 4);
        assertEquals(List.of(firstId, "client-key-2", firstId, "client-key-2"), keysReceived());
        assertEquals(target.received().subList(0, 2), target.received().subList(2, 4));
        field(json(replayed).path("replayed"), "replayMessageId").forEach(id -> assertNotEquals(firstId, id));
        // refused again, they are parked again (under their new sequence numbers) with the same keys
        await().atMost(20, SECONDS).until(() -> failures("queue-1", "ik").size() == 4);
        assertEquals(List.of(firstId, "client-key-2", firstId, "client-key-2"),
                failures("queue-1", "ik").stream().map(FailureRecord::idempotencyKey).toList());
    }

    @Test
    void aRecordWithoutAStoredKeyIsReplayedWithItsMessageIdAsKey() {
        // records written before keys were stored (store() writes none) hold the message id, which was the key
        store("queue-1", "old", 5);
        assertEquals(null, failures("queue-1", "old").get(0).idempotencyKey());
        assertEquals(List.of("message-5"), field(json(admin("GET", "/admin/failures/queue-1/old")).path("records"), "idempotencyKey"));

        assertEquals(200, admin("POST", "/admin/failures/queue-1/old/replay").statusCode());
        await().atMost(20, SECONDS).until(() -> !target.requests().isEmpty());
        assertEquals(List.of("message-5"), keysReceived());
    }

    private List<String> keysReceived() {
        return target.requests().stream().map(SampleResponseServer.Request::idempotencyKey).toList();
    }

    @Test
    void replaySendsTheOpenRecordsInSequenceOrderAndMarksThemReplayed() {
        // stored out of order, and "10" sorts before "7" as text: the list must follow the numbers
        store("queue-1", "rp", 5);
        store("queue-1", "rp", 10);
        store("queue-1", "rp", 7);
        assertEquals(200, discard("/admin/failures/queue-1/rp/7", "sent by hand").statusCode());

        HttpResponse<String> replayed = admin("POST", "/admin/failures/queue-1/rp/replay");
        assertEquals(200, replayed.statusCode(), replayed.body());
        JsonNode answer = json(replayed).path("replayed");
        assertEquals(List.of("5", "10"), field(answer, "sequence"));
        assertEquals(List.of("true", "true"), field(answer, "marked"));
        field(answer, "replayMessageId").forEach(id -> assertFalse(id.isBlank(), replayed.body()));

        await().atMost(20, SECONDS).until(() -> target.received().size() >= 2);
        assertEquals(List.of(data("rp", 5), data("rp", 10)), target.received());

        JsonNode records = json(admin("GET", "/admin/failures/queue-1/rp")).path("records");
        assertEquals(List.of("5", "7", "10"), field(records, "sequence"));
        assertEquals(List.of("REPLAYED", "DISCARDED", "REPLAYED"), field(records, "status"));
        assertEquals(field(answer, "replayMessageId"), List.of(records.get(0).path("replayMessageId").asText(),
                records.get(2).path("replayMessageId").asText()));

        // nothing is OPEN any more: a second replay sends nothing
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        HttpResponse<String> again = admin("POST", "/admin/failures/queue-1/rp/replay");
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(0, json(again).path("replayed").size(), again.body());
        assertEquals(0, messagesIn(queue("queue-1")));
        assertEquals(2, target.received().size());
    }

    @Test
    void replayStopsWhenTheQueueRefusesAndLeavesTheRecordsOpen() {
        store(GONE, "g1", 1);
        store(GONE, "g1", 2);

        HttpResponse<String> replayed = admin("POST", "/admin/failures/" + GONE + "/g1/replay");
        assertRefused(replayed, 503, "queue_unavailable");
        assertEquals(0, json(replayed).path("replayed").size(), replayed.body());
        assertEquals(List.of("OPEN", "OPEN"), field(json(admin("GET", "/admin/failures/" + GONE + "/g1")).path("records"), "status"));
    }

    @Test
    void discardMarksOneOpenRecordOnce() {
        store("queue-1", "dc", 5);
        store("queue-1", "dc", 6);

        assertRefused(admin("DELETE", "/admin/failures/queue-1/dc/5"), 400, "missing_reason");
        assertRefused(discard("/admin/failures/queue-1/dc/5", " "), 400, "missing_reason");
        assertRefused(call("DELETE", "/admin/failures/queue-1/dc/5", "{\"why\": \"x\"}", "X-API-Key", ADMIN_KEY), 400, "missing_reason");
        assertRefused(call("DELETE", "/admin/failures/queue-1/dc/5", "reason", "X-API-Key", ADMIN_KEY), 400, "invalid_json");
        HttpResponse<String> discarded = discard("/admin/failures/queue-1/dc/5", "the customer cancelled the order");
        assertEquals(200, discarded.statusCode(), discarded.body());
        JsonNode record = json(discarded).path("discarded");
        assertEquals("DISCARDED", record.path("status").asText(), discarded.body());
        assertEquals("the customer cancelled the order", record.path("discardReason").asText(), discarded.body());
        Instant changed = Instant.parse(record.path("statusChangedAt").asText());
        assertEquals(changed.plus(java.time.Duration.ofDays(30)).getEpochSecond(),
                Instant.parse(record.path("expiresAt").asText()).getEpochSecond(), "expires after failures.retention-days");

        assertRefused(discard("/admin/failures/queue-1/dc/5", "again"), 409, "not_open");
        assertRefused(discard("/admin/failures/queue-1/dc/99", "unknown"), 404, "unknown_record");
        HttpResponse<String> one = admin("GET", "/admin/failures/queue-1/dc/" + FailureRecord.paddedSequence("5"));
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("the customer cancelled the order", json(one).path("discardReason").asText(), one.body());
        assertEquals("queue-1", json(one).path("alias").asText(), one.body());
        assertRefused(admin("GET", "/admin/failures/queue-1/dc/99"), 404, "unknown_record");
        assertEquals(List.of("DISCARDED", "OPEN"), field(json(admin("GET", "/admin/failures/queue-1/dc")).path("records"), "status"));
    }

    @Test
    void groupWithSlashOrPlusIsWrittenPercentEncoded() {
        store("queue-1", "a/b+c", 3);

        HttpResponse<String> listed = admin("GET", "/admin/failures/queue-1/a%2Fb+c");
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals("a/b+c", json(listed).path("group").asText());
        assertEquals(List.of("3"), field(json(listed).path("records"), "sequence"));
        assertEquals(200, discard("/admin/failures/queue-1/a%2Fb+c/3", "test").statusCode());
    }
}
