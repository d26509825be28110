package dev.sqsrouter.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

import dev.sqsrouter.sqs.OrderedSqsConsumer;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * A response server's {@code Retry-After} (RFC 9110: delay-seconds or an HTTP-date) on a 429 or 503: noted on the
 * failed exchange ({@link OrderedSqsConsumer#RETRY_AFTER_MS}) so that the consumer's next in-place retry waits that
 * long (at most retryMaxDelayMs) instead of its own backoff. A value that is neither is ignored.
 */
public final class RetryAfter {

    private static final Clock CLOCK = Clock.systemUTC();

    private RetryAfter() {
    }

    /** The failure policy's step for a transient failure: notes the target's Retry-After, if it gave one. */
    public static void note(Exchange exchange) {
        HttpOperationFailedException failure = exchange.getException(HttpOperationFailedException.class);
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, HttpOperationFailedException.class);
        }
        if (failure == null || (failure.getStatusCode() != 429 && failure.getStatusCode() != 503)) {
            return;
        }
        Long millis = millis(header(failure.getResponseHeaders(), "Retry-After"), Instant.now(CLOCK));
        if (millis != null) {
            exchange.setProperty(OrderedSqsConsumer.RETRY_AFTER_MS, millis);
        }
    }

    /** Milliseconds from now that the value asks to wait (0 for a date past), or null when it is no Retry-After. */
    static Long millis(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // more than a day is as good as forever here: the retry settings cap it anyway
            return trimmed.length() > 6 ? Duration.ofDays(1).toMillis() : Long.parseLong(trimmed) * 1000;
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, Duration.between(now, at).toMillis());
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (name.equalsIgnoreCase(header.getKey())) {
                return header.getValue();
            }
        }
        return null;
    }
}
