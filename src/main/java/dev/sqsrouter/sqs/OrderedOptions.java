package dev.sqsrouter.sqs;

import java.util.Map;

/**
 * The options sqs-ordered adds to aws2-sqs, removed from the URI parameters before aws2-sqs binds the rest.
 *
 * @param retryDelayMs      first wait before a failed message is tried again in place (doubles per attempt)
 * @param retryMaxDelayMs   cap of that wait
 * @param poisonAttempts    failed attempts, each while the consumer saw other messages succeed, after which the
 *                          last attempt parks the message (0 = never)
 * @param maxHoldSeconds    how long a failing message is held and retried in place before it goes back to SQS
 */
record OrderedOptions(String deadLetterQueue, int groupWorkers, int failedVisibilityTimeout, int breakerThreshold,
        int breakerOpenSeconds, boolean extendMessageVisibility, long retryDelayMs, long retryMaxDelayMs,
        int poisonAttempts, int maxHoldSeconds) {

    /** SQS keeps a received message invisible for at most 12 hours in all. */
    static final int SQS_MAX_VISIBILITY_SECONDS = 43_200;

    OrderedOptions {
        if (maxHoldSeconds < 0 || maxHoldSeconds > SQS_MAX_VISIBILITY_SECONDS) {
            throw new IllegalArgumentException("sqs-ordered option maxHoldSeconds must be between 0 and "
                    + SQS_MAX_VISIBILITY_SECONDS + " (SQS's 12 hour visibility ceiling), not " + maxHoldSeconds);
        }
        if (retryDelayMs < 1 || retryMaxDelayMs < retryDelayMs) {
            throw new IllegalArgumentException("sqs-ordered options retryDelayMs (" + retryDelayMs + ") and retryMaxDelayMs ("
                    + retryMaxDelayMs + ") must be positive, the maximum not below the first delay");
        }
    }

    static OrderedOptions take(Map<String, Object> parameters) {
        return new OrderedOptions(
                (String) parameters.remove("deadLetterQueue"),
                intOption(parameters, "groupWorkers", 10),
                intOption(parameters, "failedVisibilityTimeout", -1),
                intOption(parameters, "breakerThreshold", 5),
                intOption(parameters, "breakerOpenSeconds", 30),
                // aws2-sqs's option, taken here so that its own extender (which never sees our exchanges) stays off;
                // on by default: a failing message is held in flight, so it must not outlive its visibility timeout
                booleanOption(parameters, "extendMessageVisibility", true),
                intOption(parameters, "retryDelayMs", 200),
                intOption(parameters, "retryMaxDelayMs", 5000),
                intOption(parameters, "poisonAttempts", 10),
                // 11 hours: released before SQS's 12 hour ceiling ends the extensions anyway
                intOption(parameters, "maxHoldSeconds", 39_600));
    }

    /** The wait before attempt number {@code failedAttempts + 1}: exponential, capped. */
    long retryDelayMs(int failedAttempts) {
        long delay = retryDelayMs;
        for (int i = 1; i < failedAttempts && delay < retryMaxDelayMs; i++) {
            delay *= 2;
        }
        return Math.min(delay, retryMaxDelayMs);
    }

    private static boolean booleanOption(Map<String, Object> parameters, String name, boolean fallback) {
        Object value = parameters.remove(name);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        String text = value.toString().trim();
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("sqs-ordered option " + name + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static int intOption(Map<String, Object> parameters, String name, int fallback) {
        Object value = parameters.remove(name);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sqs-ordered option " + name + " must be a whole number, not '" + value + "'");
        }
    }
}
