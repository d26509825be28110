package dev.sqsrouter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The two forms of Retry-After (RFC 9110), and what is not one. */
class RetryAfterValueTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    @Test
    void secondsAndHttpDatesBecomeMillisecondsFromNow() {
        assertEquals(2000L, RetryAfter.millis("2", NOW));
        assertEquals(0L, RetryAfter.millis(" 0 ", NOW));
        assertEquals(86_400_000L, RetryAfter.millis("99999999999999999999", NOW), "no overflow: a day at most");
        assertEquals(30_000L, RetryAfter.millis("Tue, 08 Dec 2026 10:00:30 GMT", NOW));
        assertEquals(0L, RetryAfter.millis("Tue, 08 Dec 2026 09:00:00 GMT", NOW), "a date past: at once");
    }

    @Test
    void anythingElseIsNoRetryAfter() {
        assertNull(RetryAfter.millis(null, NOW));
        assertNull(RetryAfter.millis("", NOW));
        assertNull(RetryAfter.millis("-1", NOW));
        assertNull(RetryAfter.millis("1.5", NOW));
        assertNull(RetryAfter.millis("soon", NOW));
    }
}
