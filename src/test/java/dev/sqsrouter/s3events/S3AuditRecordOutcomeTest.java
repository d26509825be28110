package dev.sqsrouter.s3events;

import static dev.sqsrouter.s3events.S3EventFixtures.s3Event;
import static dev.sqsrouter.s3events.S3EventFixtures.snsNotification;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.junit.jupiter.api.Test;

/**
 * Each record of an S3 event message has its own outcome: a refused record is parked alone and the others run; a
 * transient failure keeps the whole message, and every delivery of a record carries the same Idempotency-Key.
 */
class S3AuditRecordOutcomeTest extends S3EventsTestSupport {

    private AuditTestServer audit;

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        audit = AuditTestServer.start();
        properties.setProperty("s3events.audit.url", audit.url());
    }

    @Override
    protected void cleanupResources() throws Exception {
        if (audit != null) {
            audit.close();
        }
        super.cleanupResources();
    }

    @Test
    void refusedRecordIsParkedAloneAndTheOthersRun() {
        List<String> keys = List.of(keyPrefix() + "first.png", keyPrefix() + "refused.png", keyPrefix() + "third.png");
        audit.answerStatusCode(keys.get(1), 500);
        String messageId = sendEvent(AUDIT, snsNotification(s3Event(BUCKET, "ObjectCreated:Put", keys)));

        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 1);
        assertEquals(keys, audit.keys(), "each record once, in order, the refused one included");
        List<FailureRecord> failures = s3Failures(AUDIT);
        assertEquals(1, failures.size(), () -> "one failure record: " + failures);
        FailureRecord parked = failures.get(0);
        assertEquals(FailureClass.BUSINESS, parked.failureClass());
        assertEquals(messageId, parked.messageId(), "the SQS message id");
        assertNull(parked.group());
        assertTrue(parked.reason().contains("status_code 500"), parked.reason());
        assertTrue(parked.reason().contains(keys.get(1)), parked.reason());
        assertEquals(200, parked.httpStatus());
        assertTrue(parked.answer().contains("\"status_code\":500"), parked.answer());
        assertEquals(List.of(keys.get(1)), keysOf(parked.body()), "the body is an S3 event of the refused record alone");
        assertEquals(0, messagesIn(s3Queue(AUDIT)));
        assertEquals(0, messagesIn(s3EventDeadLetterQueue(AUDIT)));
        assertEquals(0, s3Stats(AUDIT).kept());
    }

    @Test
    void aParkedRecordReplaysAlone() throws Exception {
        List<String> keys = List.of(keyPrefix() + "accepted.png", keyPrefix() + "refused-then-accepted.png");
        audit.answerHttpStatus(keys.get(1), 422);
        sendEvent(AUDIT, snsNotification(s3Event(BUCKET, "ObjectCreated:Put", keys)));
        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 1);
        assertEquals(1, s3Failures(AUDIT).size());
        String idempotencyKey = audit.calls().get(1).idempotencyKey();

        audit.accept(keys.get(1));
        var replay = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + serverPort()
                                + "/admin/failures/" + AUDIT + "/-/replay"))
                        .header("X-API-Key", ADMIN_KEY).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, replay.statusCode(), replay.body());

        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 2);
        assertEquals(List.of(keys.get(0), keys.get(1), keys.get(1)), audit.keys(), "the replay does the parked record alone");
        assertEquals(idempotencyKey, audit.calls().get(2).idempotencyKey(), "with the Idempotency-Key of its first call");
        assertEquals(1, s3Failures(AUDIT).size(), "the replayed copy succeeded: no new failure record");
    }

    @Test
    void twoRefusedRecordsMakeTwoFailureRecords() {
        List<String> keys = List.of(keyPrefix() + "refused-500.png", keyPrefix() + "accepted.png", keyPrefix() + "refused-400.png");
        audit.answerStatusCode(keys.get(0), 500);
        audit.answerHttpStatus(keys.get(2), 400);
        String messageId = sendEvent(AUDIT, snsNotification(s3Event(BUCKET, "ObjectCreated:Put", keys)));

        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 1);
        assertEquals(keys, audit.keys());
        List<FailureRecord> failures = s3Failures(AUDIT);
        assertEquals(2, failures.size(), () -> "two failure records: " + failures);
        assertTrue(failures.stream().allMatch(f -> messageId.equals(f.messageId())), failures::toString);
        assertEquals(2, failures.stream().map(FailureRecord::sortKey).distinct().count(), "each record its own key");
        FailureRecord byStatusCode = failureAbout(failures, keys.get(0));
        assertTrue(byStatusCode.reason().contains("status_code 500"), byStatusCode.reason());
        FailureRecord byHttp = failureAbout(failures, keys.get(2));
        assertEquals(400, byHttp.httpStatus());
        assertTrue(byHttp.reason().contains("HTTP 400"), byHttp.reason());
        assertEquals(0, messagesIn(s3Queue(AUDIT)));
        assertEquals(0, messagesIn(s3EventDeadLetterQueue(AUDIT)));
    }

    @Test
    void aRetriedMessageParksItsRefusedRecordOnce() {
        List<String> keys = List.of(keyPrefix() + "refused.png", keyPrefix() + "unavailable.png");
        audit.answerStatusCode(keys.get(0), 500);
        audit.answerHttpStatus(keys.get(1), 503);
        sendEvent(AUDIT, snsNotification(s3Event(BUCKET, "ObjectCreated:Put", keys)));

        // the second record keeps the whole message in SQS: it is retried in place, and the first is refused again
        await().atMost(30, SECONDS).until(() -> s3Stats(AUDIT).retried() >= 2);
        assertTrue(audit.callsFor(keys.get(0)).size() >= 2, () -> "calls: " + audit.keys());
        assertEquals(1, s3Failures(AUDIT).size(), () -> "one record across deliveries: " + s3Failures(AUDIT));
        assertEquals(1, messagesIn(s3Queue(AUDIT)));

        audit.accept(keys.get(1));
        await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0);
        assertEquals(1, s3Failures(AUDIT).size(), () -> "still one record: " + s3Failures(AUDIT));
        assertEquals(List.of(keys.get(0)), keysOf(s3Failures(AUDIT).get(0).body()));
        assertEquals(0, messagesIn(s3EventDeadLetterQueue(AUDIT)));
    }

    @Test
    void auditCarriesAStableIdempotencyKeyPerRecord() {
        List<String> keys = List.of(keyPrefix() + "done-first.png", keyPrefix() + "unavailable-first.png");
        audit.answerHttpStatus(keys.get(1), 503);
        String event = s3Event(BUCKET, "ObjectCreated:Put", keys);
        sendEvent(AUDIT, snsNotification(event));

        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).retried() >= 1);
        audit.accept(keys.get(1));
        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 1);

        // the first record ran in every attempt, and so did the second: each with one key throughout
        assertTrue(audit.callsFor(keys.get(0)).size() >= 2, () -> "calls: " + audit.keys());
        assertTrue(audit.callsFor(keys.get(1)).size() >= 2, () -> "calls: " + audit.keys());
        String first = onlyKey(keys.get(0));
        String second = onlyKey(keys.get(1));
        assertNotEquals(first, second, "different records, different keys");
        assertTrue(first.matches("[0-9a-f]{64}"), first);

        // the same S3 event in another SQS message, another envelope: the same key
        int before = audit.calls().size();
        sendEvent(AUDIT, event);
        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 2);
        List<AuditTestServer.Call> again = audit.calls().subList(before, audit.calls().size());
        assertEquals(List.of(first, second), again.stream().map(AuditTestServer.Call::idempotencyKey).toList());
        assertTrue(s3Failures(AUDIT).isEmpty());
    }

    private String onlyKey(String objectKey) {
        Set<String> idempotencyKeys = audit.callsFor(objectKey).stream().map(AuditTestServer.Call::idempotencyKey)
                .collect(Collectors.toSet());
        assertEquals(1, idempotencyKeys.size(), () -> "one Idempotency-Key for " + objectKey + ": " + idempotencyKeys);
        String key = idempotencyKeys.iterator().next();
        assertTrue(key != null && !key.isBlank(), "the audit call carries an Idempotency-Key");
        return key;
    }

    private static FailureRecord failureAbout(List<FailureRecord> failures, String objectKey) {
        return failures.stream().filter(f -> keysOf(f.body()).equals(List.of(objectKey))).findFirst()
                .orElseThrow(() -> new AssertionError("no failure record about " + objectKey + " in " + failures));
    }

    /** The decoded object keys of the records of an S3 event body (null body: none). */
    static List<String> keysOf(String body) {
        if (body == null) {
            return List.of();
        }
        JsonNode records = S3EventFixtures.read(body).path("Records");
        return java.util.stream.StreamSupport.stream(records.spliterator(), false)
                .map(r -> java.net.URLDecoder.decode(r.path("s3").path("object").path("key").asText(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }
}
