package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;

import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;

/**
 * Fault: the response server answers 503 or 429 with Retry-After, in seconds or as an HTTP date, or with more than
 * the relay would ever wait. Promise: the next in-place retry of that message comes when the server asked (capped by
 * relay.retry.max-delay-ms), not on the relay's own backoff (20 ms here); then its group goes on in order.
 */
class RetryAfterTest extends RelayTestSupport {

    private static final long MAX_DELAY_MS = 3000;

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.retry.max-delay-ms", Long.toString(MAX_DELAY_MS));
    }

    @Test
    void theNextRetryWaitsWhatTheResponseServerAsked() {
        long startedNanos = System.nanoTime();
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime date = started.plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(date);
        target.forceHttpStatusFor("seconds", 1, 503, "2");
        target.forceHttpStatusFor("date", 1, 429, inThreeSeconds);
        target.forceHttpStatusFor("hour", 1, 503, "3600");
        for (String group : List.of("seconds", "date", "hour")) {
            sendToQueue("queue-1", group, loadScriptMessage(group, 1, 200));
            sendToQueue("queue-1", group, loadScriptMessage(group, 2, 200));
        }
        await().atMost(30, SECONDS).until(() -> List.of("seconds", "date", "hour").stream().allMatch(g -> arrivals(g).size() >= 2));
        for (String group : List.of("seconds", "date", "hour")) {
            target.forceHttpStatusFor(group, 1, 0);
        }

        assertBetween("seconds", 1_900, 2_900);
        // an HTTP date: the second attempt comes at that time, not before
        long dateNanos = startedNanos + MILLISECONDS.toNanos(Duration.between(started, date).toMillis());
        List<Long> dated = arrivals("date");
        assertTrue(dated.get(0) < dateNanos - MILLISECONDS.toNanos(500), "the first attempt came well before the date");
        long secondAfterDate = NANOSECONDS.toMillis(dated.get(1) - dateNanos);
        assertTrue(secondAfterDate >= -100 && secondAfterDate <= 1_500, "second attempt " + secondAfterDate + " ms after the date");
        assertBetween("hour", MAX_DELAY_MS - 100, MAX_DELAY_MS + 1_500);
        await().atMost(30, SECONDS).until(() -> List.of("seconds", "date", "hour").stream()
                .allMatch(g -> sequencesByGroup(target.answered().stream().map(SampleResponseServer.Request::body).toList())
                        .getOrDefault(g, List.of()).equals(List.of(1, 2))));
        assertEquals(0, failures("queue-1", "seconds").size() + failures("queue-1", "date").size() + failures("queue-1", "hour").size());
    }

    private void assertBetween(String group, long atLeastMs, long atMostMs) {
        List<Long> arrivals = arrivals(group);
        long gap = NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
        assertTrue(gap >= atLeastMs && gap <= atMostMs, group + ": second attempt " + gap + " ms after the first, not in ["
                + atLeastMs + ", " + atMostMs + "]");
    }

    /** When the response server received the first message of the group, each attempt. */
    private List<Long> arrivals(String group) {
        return target.requests().stream()
                .filter(r -> sequencesByGroup(List.of(r.body())).getOrDefault(group, List.of()).equals(List.of(1)))
                .map(SampleResponseServer.Request::arrivedNanos).toList();
    }
}
