package dev.sqsrouter.failure;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A business failure of a message too large for a DynamoDB item (SQS takes 1 MiB, an item holds 400 KB), through the
 * app as it ships: parked whole, deleted from its queue, listed whole by the admin API, and replayed whole.
 */
class FailureStoreLargeBodyTest extends IngressTestSupport {

    /** SQS bytes of {"data":B} for the test message: close to SQS's 1 MiB, with room for the attribute a replay adds. */
    private static final int MESSAGE_BYTES = 1_040_000;

    /** A load-script message refused by the server (status_code 500), padded to {@link #MESSAGE_BYTES} with multi-byte text. */
    private static String largeRefusedMessage(String group) {
        String head = "{\"MessageGroupID\": \"" + group + "\", \"transSeq\": \"1\", \"http_status\": 500, \"padding\": \"";
        String tail = "\"}";
        StringBuilder body = new StringBuilder(head);
        // ASCII, 2-, 3- and 4-byte UTF-8 characters: the body must come back byte for byte, not char for char
        String unit = "abcdefghij-\u00e9-\u20ac-\uD83D\uDE80-";
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        int bytes = "{\"data\":}".length() + head.length() + tail.length();
        while (bytes + unitBytes <= MESSAGE_BYTES) {
            body.append(unit);
            bytes += unitBytes;
        }
        body.append("x".repeat(MESSAGE_BYTES - bytes));
        return body.append(tail).toString();
    }

    /** Equal text, reported by length and first difference (the texts are a mebibyte long). */
    private static void assertSame(String expected, String actual, String what) {
        if (expected.equals(actual)) {
            return;
        }
        int at = 0;
        while (actual != null && at < Math.min(expected.length(), actual.length()) && expected.charAt(at) == actual.charAt(at)) {
            at++;
        }
        throw new AssertionError(what + ": expected " + expected.length() + " chars, got "
                + (actual == null ? "null" : actual.length() + " chars, first difference at " + at + ": "
                + actual.substring(Math.max(0, at - 40), Math.min(actual.length(), at + 40))));
    }

    @Test
    void aBusinessFailureOfAOneMebibyteMessageIsParkedWholeAndReplaysWhole() {
        String data = largeRefusedMessage("big");
        String sqsBody = "{\"data\":" + data + "}";
        assertEquals(MESSAGE_BYTES, sqsBody.getBytes(StandardCharsets.UTF_8).length);
        HttpResponse<String> sent = post("queue-1", data);
        assertEquals(200, sent.statusCode(), sent.body());

        // one record, the message deleted from its queue
        await().atMost(60, SECONDS).until(() -> failures("queue-1", "big").size() == 1);
        await().atMost(30, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        FailureRecord record = failures("queue-1", "big").get(0);
        assertEquals(FailureClass.BUSINESS, record.failureClass());
        assertSame(sqsBody, record.body(), "the store reads the whole body back");

        // the administrator sees the whole body
        HttpResponse<String> listed = call("GET", "/admin/failures/queue-1/big", (String) null, "X-API-Key", ADMIN_KEY);
        assertEquals(200, listed.statusCode());
        JsonNode records = json(listed).path("records");
        assertEquals(1, records.size(), "one record");
        assertSame(sqsBody, records.get(0).path("body").asText(), "the admin API lists the whole body");

        // a replay sends the whole original body to the response server again
        assertEquals(1, target.received().size());
        HttpResponse<String> replayed = call("POST", "/admin/failures/queue-1/big/replay", (String) null, "X-API-Key", ADMIN_KEY);
        assertEquals(200, replayed.statusCode(), replayed.body().length() > 2000 ? replayed.body().substring(0, 2000) : replayed.body());
        assertEquals(1, json(replayed).path("replayed").size());
        await().atMost(60, SECONDS).until(() -> target.received().size() >= 2);
        List<String> received = target.received();
        assertSame(sqsBody, received.get(1), "the replayed copy is the whole original body");
        // refused again: parked again, whole, under the copy's sequence number
        await().atMost(60, SECONDS).until(() -> failures("queue-1", "big").size() == 2);
        assertTrue(failures("queue-1", "big").stream().allMatch(f -> sqsBody.equals(f.body())));
    }
}
