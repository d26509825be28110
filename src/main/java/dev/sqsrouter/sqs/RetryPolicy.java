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

    RetryPolicy(OrderedOptions options, int visibilitySeconds) {
        this.options = options;
        this.maxHoldMillis = options.maxHoldMillis(visibilitySeconds);
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
         */
        Decision failed(long successes, long heldMillis, boolean holding, boolean mayStart) {
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
            return new Decision(true, options.retryDelayMs(failedAttempts), 0, false);
        }
    }

    /** For a log line: how long a message was held, in seconds. */
    static long seconds(long millis) {
        return TimeUnit.MILLISECONDS.toSeconds(millis);
    }
}
