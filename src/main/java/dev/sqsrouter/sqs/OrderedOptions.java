package dev.sqsrouter.sqs;

import java.util.concurrent.TimeUnit;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/** The endpoint options sqs-ordered adds to aws2-sqs's, bound from the URI by Camel and checked when the endpoint is created. */
@UriParams
public class OrderedOptions {

    /** SQS keeps a received message invisible for at most 12 hours in all. */
    static final int SQS_MAX_VISIBILITY_SECONDS = 43_200;

    /** The default cap on groups in flight: a FIFO trigger such as Lambda's scales to the active groups, up to 1,000. */
    static final int DEFAULT_MAX_GROUPS_IN_FLIGHT = 500;
    /** SQS hands out at most ten messages per receive. */
    static final int SQS_RECEIVE_LIMIT = 10;

    @UriParam(label = "consumer", defaultValue = "500", description = "Groups in flight at most (running, or held for a"
            + " retry in place), each on a virtual thread of its own; on a standard queue each message is a group, so this"
            + " bounds the messages in flight. No receive starts while the consumer holds that many")
    private int maxGroupsInFlight = DEFAULT_MAX_GROUPS_IN_FLIGHT;
    @UriParam(label = "consumer", defaultValue = "0", description = "Receives under way at once at most, the long-polling"
            + " receive loops (concurrentConsumers) included: while receives return full batches and there is room for their"
            + " groups, further receives start, and each ends after three answers in a row that are not full. 0 = derived from"
            + " maxGroupsInFlight (one per 10 groups, at most 50)")
    private int maxConcurrentReceives;
    @UriParam(label = "consumer", defaultValue = "0", description = "Seconds before SQS hands out again a message given back"
            + " after a failure it was no longer held for (past maxHoldSeconds, or without extendMessageVisibility)")
    private int failedVisibilityTimeout;
    @UriParam(label = "consumer", defaultValue = "5", description = "Failed attempts in a row after which the consumer"
            + " stops receiving new batches for breakerOpenSeconds (0 = never)")
    private int breakerThreshold = 5;
    @UriParam(label = "consumer", defaultValue = "30", description = "Seconds the consumer receives no new batches once"
            + " breakerThreshold attempts failed in a row")
    private int breakerOpenSeconds = 30;
    // aws2-sqs's option of the same name, taken here so that its own extender (which never sees these exchanges) stays off
    @UriParam(label = "consumer", defaultValue = "true", description = "Keep every received message invisible until its"
            + " own acknowledgement (a heartbeat extends its visibility timeout every third of it), so that a failing"
            + " message can be retried in place; when false, a failed message and the rest of its group go back to SQS"
            + " at once, and no message starts after half the visibility timeout")
    private boolean extendMessageVisibility = true;
    @UriParam(label = "consumer", defaultValue = "200", description = "Milliseconds before a failed message is tried again"
            + " in place; the wait doubles with each failed attempt")
    private long retryDelayMs = 200;
    @UriParam(label = "consumer", defaultValue = "5000", description = "Longest wait in milliseconds between two attempts"
            + " of a message retried in place")
    private long retryMaxDelayMs = 5000;
    @UriParam(label = "consumer", defaultValue = "10", description = "Failed attempts, each while other messages of the"
            + " consumer succeeded, after which the next attempt is the last: the failure policy parks the message"
            + " if it fails (0 = never)")
    private int poisonAttempts = 10;
    // 11 hours: released before SQS's 12 hour ceiling ends the extensions anyway
    @UriParam(label = "consumer", defaultValue = "39600", description = "Seconds a failing message is held and retried"
            + " in place before it goes back to SQS with the rest of its group (at most 43200, SQS's 12 hour ceiling)")
    private int maxHoldSeconds = 39_600;

    /** Fails with what to fix when an option is out of range; {@code queue} names the endpoint in the message. */
    void validate(String queue) {
        String where = "sqs-ordered:" + queue + ": ";
        if (maxGroupsInFlight < 1) {
            throw new IllegalArgumentException(where + "maxGroupsInFlight must be at least 1 (groups in flight at once), not "
                    + maxGroupsInFlight);
        }
        if (maxConcurrentReceives < 0) {
            throw new IllegalArgumentException(where + "maxConcurrentReceives must not be negative (0 = derived from"
                    + " maxGroupsInFlight), not " + maxConcurrentReceives);
        }
        requireBetween(where, "failedVisibilityTimeout", failedVisibilityTimeout, 0, SQS_MAX_VISIBILITY_SECONDS,
                " (seconds; SQS's 12 hour visibility ceiling)");
        if (breakerThreshold < 0 || breakerOpenSeconds < 0) {
            throw new IllegalArgumentException(where + "breakerThreshold (" + breakerThreshold + ") and breakerOpenSeconds ("
                    + breakerOpenSeconds + ") must not be negative; breakerThreshold=0 turns the breaker off");
        }
        if (retryDelayMs < 1 || retryMaxDelayMs < retryDelayMs) {
            throw new IllegalArgumentException(where + "retryDelayMs (" + retryDelayMs + ") and retryMaxDelayMs ("
                    + retryMaxDelayMs + ") must be positive, the maximum not below the first delay");
        }
        if (poisonAttempts < 0) {
            throw new IllegalArgumentException(where + "poisonAttempts must not be negative (0 = never park a message as poison), not "
                    + poisonAttempts);
        }
        requireBetween(where, "maxHoldSeconds", maxHoldSeconds, 0, SQS_MAX_VISIBILITY_SECONDS,
                " (SQS's 12 hour visibility ceiling)");
    }

    private static void requireBetween(String where, String name, int value, int min, int max, String why) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(where + name + " must be between " + min + " and " + max + why + ", not " + value);
        }
    }

    /** The wait before attempt number {@code failedAttempts + 1}: exponential, capped. */
    long retryDelayMs(int failedAttempts) {
        long delay = retryDelayMs;
        for (int i = 1; i < failedAttempts && delay < retryMaxDelayMs; i++) {
            delay *= 2;
        }
        return Math.min(delay, retryMaxDelayMs);
    }

    /**
     * How long a failing group may be held in flight: maxHoldSeconds, released before SQS's 12 hour ceiling would refuse
     * the next extension, less one longest retry wait.
     */
    long maxHoldMillis(int visibilitySeconds) {
        return Math.max(0, TimeUnit.SECONDS.toMillis(Math.min(maxHoldSeconds,
                SQS_MAX_VISIBILITY_SECONDS - visibilitySeconds - 60)) - retryMaxDelayMs);
    }

    /** The receives that may run at once: the option, or one per ten groups of the cap (at least 1, at most 50). */
    int concurrentReceives(int pollers) {
        int derived = maxConcurrentReceives > 0 ? maxConcurrentReceives
                : Math.min(50, Math.max(1, maxGroupsInFlight / SQS_RECEIVE_LIMIT));
        return Math.max(Math.max(1, pollers), derived);
    }

    public int getMaxGroupsInFlight() {
        return maxGroupsInFlight;
    }

    public void setMaxGroupsInFlight(int maxGroupsInFlight) {
        this.maxGroupsInFlight = maxGroupsInFlight;
    }

    public int getMaxConcurrentReceives() {
        return maxConcurrentReceives;
    }

    public void setMaxConcurrentReceives(int maxConcurrentReceives) {
        this.maxConcurrentReceives = maxConcurrentReceives;
    }

    public int getFailedVisibilityTimeout() {
        return failedVisibilityTimeout;
    }

    public void setFailedVisibilityTimeout(int failedVisibilityTimeout) {
        this.failedVisibilityTimeout = failedVisibilityTimeout;
    }

    public int getBreakerThreshold() {
        return breakerThreshold;
    }

    public void setBreakerThreshold(int breakerThreshold) {
        this.breakerThreshold = breakerThreshold;
    }

    public int getBreakerOpenSeconds() {
        return breakerOpenSeconds;
    }

    public void setBreakerOpenSeconds(int breakerOpenSeconds) {
        this.breakerOpenSeconds = breakerOpenSeconds;
    }

    public boolean isExtendMessageVisibility() {
        return extendMessageVisibility;
    }

    public void setExtendMessageVisibility(boolean extendMessageVisibility) {
        this.extendMessageVisibility = extendMessageVisibility;
    }

    public long getRetryDelayMs() {
        return retryDelayMs;
    }

    public void setRetryDelayMs(long retryDelayMs) {
        this.retryDelayMs = retryDelayMs;
    }

    public long getRetryMaxDelayMs() {
        return retryMaxDelayMs;
    }

    public void setRetryMaxDelayMs(long retryMaxDelayMs) {
        this.retryMaxDelayMs = retryMaxDelayMs;
    }

    public int getPoisonAttempts() {
        return poisonAttempts;
    }

    public void setPoisonAttempts(int poisonAttempts) {
        this.poisonAttempts = poisonAttempts;
    }

    public int getMaxHoldSeconds() {
        return maxHoldSeconds;
    }

    public void setMaxHoldSeconds(int maxHoldSeconds) {
        this.maxHoldSeconds = maxHoldSeconds;
    }
}
