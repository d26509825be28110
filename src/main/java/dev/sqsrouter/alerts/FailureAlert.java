package dev.sqsrouter.alerts;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.sqsrouter.config.ControlCharacters;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;

/**
 * What an alert says about one new failure: small, so that an alert never holds a message body.
 *
 * @param alias  the queue's name in configuration (relay alias, S3 event queue name), as the admin API and the
 *               console name it
 * @param queue  the SQS queue
 * @param group  the message group, "-" on a standard queue (as the failure store keys it)
 * @param reason the failure's reason on one line, cut to {@value #MAX_REASON_CHARS} characters
 * @param key    the record's key in its group (the failure store's sort key)
 * Group, reason and key come from producers and response servers: their control characters are escaped (\n,
 * backslash-u001b), so that an alert's text can neither gain lines nor drive the terminal it is read in. The link
 * percent-encodes the values themselves.
 * @param link   the record in the console
 */
public record FailureAlert(String alias, String queue, String group, FailureClass failureClass, String reason,
        Instant recordedAt, String key, String link) {

    /** As the admin API's summaries cut it. */
    public static final int MAX_REASON_CHARS = 300;

    /** The alert of a record, the console at consoleBaseUrl (http://host:port, no trailing path). */
    public static FailureAlert of(FailureRecord record, String alias, String consoleBaseUrl) {
        String group = record.group() != null ? record.group() : "-";
        String key = record.sortKey();
        String link = stripTrailingSlash(consoleBaseUrl) + "/console/#record/" + segment(alias) + "/" + segment(group)
                + "/" + segment(key);
        return new FailureAlert(alias, record.queue(), ControlCharacters.escape(group), record.failureClass(),
                cut(record.reason()), record.recordedAt(), ControlCharacters.escape(key), link);
    }

    /** A path segment percent-encoded as the admin API decodes it: '/' is %2F, a space %20, '#' %23. */
    static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String cut(String reason) {
        if (reason == null) {
            return "(no reason recorded)";
        }
        String oneLine = ControlCharacters.escape(reason.replaceAll("\\s+", " ").trim());
        return oneLine.length() <= MAX_REASON_CHARS ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "...";
    }

    private static String stripTrailingSlash(String url) {
        String trimmed = url.trim();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
