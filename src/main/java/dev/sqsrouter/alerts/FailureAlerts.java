package dev.sqsrouter.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sns.Sns2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the alert flow (routes/failure-alerts.yaml, routes/failure-alerts-publish.yaml): a new failure record
 * becomes a small {@link FailureAlert}; the first one after a quiet window goes out at once, the others of the window
 * are summed up by the aggregator; each message gets its text, subject and counts here. Alerts are best effort: what
 * SNS does not take is logged and counted, never retried into the failure channel's way.
 */
public class FailureAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(FailureAlerts.class);

    /** Message attributes of every alert (SNS delivers them with the envelope): how many failures it reports, its kind. */
    public static final String FAILURES_ATTRIBUTE = "failures";
    public static final String KIND_ATTRIBUTE = "alert";
    public static final String KIND_FAILURE = "failure";
    public static final String KIND_SUMMARY = "summary";

    /** SNS takes a subject of at most 100 printable ASCII characters. */
    private static final int MAX_SUBJECT_CHARS = 100;

    private final Map<String, String> aliasByQueue;
    private final String consoleBaseUrl;
    private final Duration window;
    private final Clock clock;
    private Instant lastFailure;

    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedFailures = new AtomicLong();
    private final AtomicLong notPublished = new AtomicLong();
    private final AtomicLong notPublishedFailures = new AtomicLong();

    /**
     * @param aliasByQueue SQS queue name -> its name in configuration
     * @param window       the quiet period after which a failure is alerted at once, and the summaries' interval
     */
    public FailureAlerts(Map<String, String> aliasByQueue, String consoleBaseUrl, Duration window, Clock clock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("alerts.window-seconds must be at least 1, not " + window.toSeconds());
        }
        this.aliasByQueue = Map.copyOf(aliasByQueue);
        this.consoleBaseUrl = consoleBaseUrl;
        this.window = window;
        this.clock = clock;
    }

    /** The alert of a record the failure channel has just written. */
    public FailureAlert alertOf(FailureRecord record) {
        failures.incrementAndGet();
        return FailureAlert.of(record, aliasByQueue.getOrDefault(record.queue(), record.queue()), consoleBaseUrl);
    }

    /** True for the first failure after a window without any: it is alerted at once, the next ones are summed up. */
    public synchronized boolean firstAfterQuiet() {
        Instant now = clock.instant();
        boolean quiet = lastFailure == null || !now.isBefore(lastFailure.plus(window));
        lastFailure = now;
        return quiet;
    }

    /** One failure: the text, the subject and the attributes of its message. */
    public void single(Exchange exchange) {
        FailureAlert alert = exchange.getMessage().getBody(FailureAlert.class);
        String what = alert.failureClass() == FailureClass.REDRIVEN ? "redriven" : "parked";
        String text = "sqs-router: a message failed and is in the failure store (" + what + ").\n\n"
                + "queue:  " + alert.alias() + " (SQS " + alert.queue() + ")\n"
                + "group:  " + alert.group() + "\n"
                + "class:  " + alert.failureClass() + "\n"
                + "reason: " + alert.reason() + "\n"
                + "time:   " + alert.recordedAt() + "\n"
                + "record: " + alert.link() + "\n\n"
                + footer();
        message(exchange, text, "sqs-router: " + alert.failureClass() + " failure " + what + " on " + alert.alias(),
                1, KIND_FAILURE);
    }

    /** The failures of one window after the first: counts per queue and class, the first few with their links. */
    public void summary(Exchange exchange) {
        AlertDigest digest = exchange.getMessage().getBody(AlertDigest.class);
        StringBuilder text = new StringBuilder("sqs-router: ").append(digest.total())
                .append(digest.total() == 1 ? " more failure" : " more failures")
                .append(" recorded in the failure store between ").append(digest.first().truncatedTo(ChronoUnit.SECONDS))
                .append(" and ").append(digest.last().truncatedTo(ChronoUnit.SECONDS)).append(".\n\nBy queue and class:\n");
        digest.counts().forEach((queue, classes) -> text.append("  ").append(queue).append(": ")
                .append(classes.values().stream().mapToLong(Long::longValue).sum()).append(" (")
                .append(classes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))
                .append(")\n"));
        text.append("\n").append(digest.total() > digest.shown().size()
                ? "The first " + digest.shown().size() + " that reached the alerts:\n" : "Records:\n");
        List<FailureAlert> shown = new ArrayList<>(digest.shown());
        shown.sort(Comparator.comparing(FailureAlert::recordedAt, Comparator.nullsLast(Comparator.naturalOrder())));
        for (FailureAlert alert : shown) {
            text.append("  ").append(alert.recordedAt()).append("  ").append(alert.alias()).append("  group ")
                    .append(alert.group()).append("  ").append(alert.failureClass()).append(": ").append(alert.reason())
                    .append("\n    ").append(alert.link()).append("\n");
        }
        text.append("\nAll open failures: ").append(consoleBaseUrl.trim().replaceAll("/+$", "")).append("/console/\n\n")
                .append(footer());
        message(exchange, text.toString(), "sqs-router: " + digest.total() + " more failures on "
                + digest.counts().size() + (digest.counts().size() == 1 ? " queue" : " queues"), digest.total(), KIND_SUMMARY);
    }

    private String footer() {
        return "Alerts are best effort and rate-limited: the first failure after " + window.toSeconds() + " s without any"
                + " is sent at once, the others in one summary per " + window.toSeconds() + " s. The failure store holds"
                + " every failure.\n";
    }

    private static void message(Exchange exchange, String text, String subject, long count, String kind) {
        exchange.getMessage().setBody(text);
        // the headers of an aws2-sns message become its message attributes (Camel* excepted): only these
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Sns2Constants.SUBJECT, subject(subject));
        exchange.getMessage().setHeader(FAILURES_ATTRIBUTE, Long.toString(count));
        exchange.getMessage().setHeader(KIND_ATTRIBUTE, kind);
    }

    /** Printable ASCII, at most 100 characters: what SNS accepts as a subject. */
    static String subject(String text) {
        String ascii = text.replaceAll("[^\\x20-\\x7E]", "?");
        return ascii.length() <= MAX_SUBJECT_CHARS ? ascii : ascii.substring(0, MAX_SUBJECT_CHARS - 3) + "...";
    }

    /** SNS took the message. */
    public void published(Exchange exchange) {
        published.incrementAndGet();
        publishedFailures.addAndGet(count(exchange));
    }

    /** SNS did not take the message (unreachable, topic missing, access denied): logged and counted, not retried. */
    public void notPublished(Exchange exchange) {
        long total = notPublished.incrementAndGet();
        long count = count(exchange);
        notPublishedFailures.addAndGet(count);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warn("alert on {} failure(s) not published to SNS ({} alert(s) lost so far; the failures are in the store): {}",
                count, total, cause != null ? cause.toString() : "unknown error");
    }

    private static long count(Exchange exchange) {
        String count = exchange.getMessage().getHeader(FAILURES_ATTRIBUTE, String.class);
        return count != null ? Long.parseLong(count) : 0;
    }

    /** New failures the alert flow has seen. */
    public long failures() {
        return failures.get();
    }

    /** Alert messages SNS took, and the failures they report. */
    public long published() {
        return published.get();
    }

    public long publishedFailures() {
        return publishedFailures.get();
    }

    /** Alert messages SNS did not take, and the failures they reported. */
    public long notPublished() {
        return notPublished.get();
    }

    public long notPublishedFailures() {
        return notPublishedFailures.get();
    }
}
