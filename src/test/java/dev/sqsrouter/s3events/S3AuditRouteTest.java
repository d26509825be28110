package dev.sqsrouter.s3events;

import static dev.sqsrouter.s3events.S3EventFixtures.fixture;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.junit.jupiter.api.Test;

/** The audit queue end to end: SQS -> parse -> split -> filter -> POST to the response server. */
class S3AuditRouteTest extends S3EventsTestSupport {

    @Test
    void auditPostsTheSummaryOfEachAcceptedRecordInOrder() {
        sendEvent(AUDIT, fixture("sns-several-records.json"));

        await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0);
        // the third record is an ObjectCreated:Copy: not one of the configured events
        List<JsonNode> posted = target.received().stream().map(S3EventFixtures::read).toList();
        assertEquals(2, posted.size(), () -> "posted: " + target.received());
        JsonNode first = posted.get(0).get("data");
        assertEquals("images", first.get("bucket").asText());
        assertEquals("cats/tabby.png", first.get("key").asText());
        assertEquals(2048, first.get("size").asLong());
        assertEquals("0123456789abcdef0123456789abcdef", first.get("eTag").asText());
        assertTrue(first.get("versionId").isNull());
        assertEquals("ObjectCreated:Put", first.get("eventName").asText());
        assertEquals("2024-05-14T09:21:07.129Z", first.get("eventTime").asText());
        assertEquals("0055AED6DCD90281E5", first.get("sequencer").asText());
        JsonNode second = posted.get(1).get("data");
        assertEquals("photos/日本/한글 sunset.JPG", second.get("key").asText());
        assertEquals("ObjectCreated:CompleteMultipartUpload", second.get("eventName").asText());
        assertEquals("096fKKXTRTtl3on89fVO.nfljtsv6qko", second.get("versionId").asText());
        assertEquals(15728640L, second.get("size").asLong());
        assertTrue(s3Failures(AUDIT).isEmpty());
    }

    @Test
    void testEventIsDeletedWithoutError() {
        sendEvent(AUDIT, fixture("sns-test-event.json"));
        sendEvent(AUDIT, fixture("raw-test-event.json"));

        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).deleted() == 2);
        assertEquals(0, messagesIn(s3Queue(AUDIT)));
        assertEquals(0, s3Stats(AUDIT).kept());
        assertTrue(target.received().isEmpty());
        assertTrue(s3Failures(AUDIT).isEmpty());
    }

    @Test
    void malformedBodyGoesToTheFailureStoreAndTheQueueKeepsFlowing() {
        String malformed = sendEvent(AUDIT, "this is not JSON");
        String confirmation = sendEvent(AUDIT, fixture("sns-subscription-confirmation.json"));
        sendEvent(AUDIT, fixture("sns-put.json"));

        await().atMost(20, SECONDS).until(() -> target.received().size() == 1 && s3Failures(AUDIT).size() == 2);
        await().atMost(10, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0);
        assertTrue(target.received().get(0).contains("cats/my cat + friend é.png"), target.received().get(0));
        FailureRecord notJson = failure(malformed);
        assertEquals(FailureClass.MALFORMED, notJson.failureClass());
        assertEquals("this is not JSON", notJson.body());
        assertTrue(notJson.reason().startsWith("message body is not JSON"), notJson.reason());
        assertNull(notJson.group());
        assertTrue(failure(confirmation).reason().contains("SNS SubscriptionConfirmation"), failure(confirmation).reason());

        // an administrator finds them under the queue's name, group "-"
        String listed = adminGet("/admin/failures/" + AUDIT + "/-");
        assertTrue(listed.contains("\"queue\":\"" + s3Queue(AUDIT) + "\""), listed);
        assertTrue(listed.contains(malformed) && listed.contains(confirmation), listed);
    }

    private String adminGet(String path) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + serverPort() + path))
                            .header("X-API-Key", ADMIN_KEY).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError("admin API call failed: " + path, e);
        }
    }

    @Test
    void auditRefusedWith4xxIsParked() {
        target.forceHttpStatus(404);
        String id = sendEvent(AUDIT, fixture("sns-put.json"));

        await().atMost(20, SECONDS).until(() -> s3Failures(AUDIT).size() == 1);
        await().atMost(10, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0);
        FailureRecord parked = failure(id);
        assertEquals(FailureClass.BUSINESS, parked.failureClass());
        assertEquals(404, parked.httpStatus());
        // a business failure is not retried: one call
        assertEquals(1, target.received().size());
    }

    @Test
    void auditServerErrorKeepsTheMessageUntilTheServerRecovers() {
        target.forceHttpStatus(503);
        sendEvent(AUDIT, fixture("sns-put.json"));

        // retried in place while the message stays in flight
        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).retried() >= 2);
        assertEquals(1, messagesIn(s3Queue(AUDIT)));
        assertTrue(s3Failures(AUDIT).isEmpty());
        // the retry counter grows when an attempt fails, before the next call: wait for the third call
        await().atMost(10, SECONDS).until(() -> target.received().size() >= 3);
        assertEquals(1, s3Stats(AUDIT).received(), "one receive: the retries cost no receive count");

        target.forceHttpStatus(0);
        await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0);
        assertTrue(s3Stats(AUDIT).deleted() >= 1);
        assertTrue(s3Failures(AUDIT).isEmpty());
    }

    private FailureRecord failure(String messageId) {
        return s3Failures(AUDIT).stream().filter(r -> messageId.equals(r.messageId())).findFirst()
                .orElseThrow(() -> new AssertionError("no failure record for " + messageId + " in " + s3Failures(AUDIT)));
    }
}
