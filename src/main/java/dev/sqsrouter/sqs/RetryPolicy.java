package dev.sqsrouter.sqs;

import java.util.concurrent.TimeUnit;

/**
 * The retry policy of one consumer, apart from the ordering: after a failed attempt of the message at the head of a
 * group, whether it is retried in place and after how long (capped exponential backoff), or given back to SQS (held
 * past {@code maxHoldSeconds}, nothing holding it in flight, or the consumer stopping), and whether its next attempt
 * is its last: {@code poisonAttempts} failures, each while other messages of the consumer succeeded, mean the message
 * itself is at fault, not its target.
 */
final class RetryPolicy {

    /** After a failure: retry in place after {@code delayMs}, or give back, visible again after {@code giveBackSeconds}. */
    record Decision(boolean retry, long delayMs, int giveBackSeconds, boolean heldTooLong) {
    }

    private final OrderedOptions options;
    private final long maxHoldMillis;
    private final int visibilitySeconds;

    RetryPolicy(OrderedOptions options, int visibilitySeconds) {
        this.options = options;
        this.maxHoldMillis = options.maxHoldMillis(visibilitySeconds);
        this.visibilitySeconds = visibilitySeconds;
    }

    /**
     * After an Error (an OutOfMemoryError, say) the process itself is in doubt: the message is not retried in place
     * nor released at once, but given back for a whole visibility timeout, as if the instance had died, so that a
     * message that kills every instance it reaches goes round at SQS's pace until its redrive policy takes it.
     */
    int afterErrorSeconds() {
        return Math.max(options.getFailedVisibilityTimeout(), visibilitySeconds);
    }

    /** True when the failure is, or was caused by, an Error. */
    static boolean isError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** The attempts of a new head message. */
    Head head() {
        return new Head();
    }

    /** The attempts of one message at the head of its group, within one delivery. */
    final class Head {

        private int failedAttempts;
        private int poisonFailures;
        private long successMark;
        private boolean lastAttempt;

        /** Attempts that failed so far. */
        int failedAttempts() {
            return failedAttempts;
        }

        /** True when the next attempt is the last: the failure policy parks the message if it fails. */
        boolean lastAttempt() {
            return lastAttempt;
        }

        /** The first attempt starts; {@code successes} is the consumer's count of successful messages now. */
        void started(long successes) {
            successMark = successes;
        }

        /**
         * An attempt failed.
         *
         * @param successes  the consumer's successful messages now (others succeeded since the last failure: poison)
         * @param heldMillis how long the message has been in flight
         * @param holding    whether a heartbeat keeps it in flight
         * @param mayStart   false once the consumer is stopping
         * @param retryAfterMs how long the target asked to wait before the next attempt, or null
         */
        Decision failed(long successes, long heldMillis, boolean holding, boolean mayStart, Long retryAfterMs) {
            failedAttempts++;
            if (successes > successMark) {
                poisonFailures++;
            }
            successMark = successes;
            if (!holding || !mayStart || heldMillis >= maxHoldMillis) {
                int seconds = mayStart ? Math.max(0, options.getFailedVisibilityTimeout()) : 0;
                return new Decision(false, 0, seconds, holding && mayStart);
            }
            if (options.getPoisonAttempts() > 0 && poisonFailures >= options.getPoisonAttempts()) {
                lastAttempt = true;
            }
            long delay = retryAfterMs != null && retryAfterMs >= 0 ? Math.min(retryAfterMs, options.getRetryMaxDelayMs())
                    : options.retryDelayMs(failedAttempts);
            return new Decision(true, delay, 0, false);
        }
    }

    /** For a log line: how long a message was held, in seconds. */
    static long seconds(long millis) {
        return TimeUnit.MILLISECONDS.toSeconds(millis);
    }
}
