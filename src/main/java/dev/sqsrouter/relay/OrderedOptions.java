package dev.sqsrouter.relay;

import java.util.Map;

/** The options sqs-ordered adds to aws2-sqs, removed from the URI parameters before aws2-sqs binds the rest. */
record OrderedOptions(String deadLetterQueue, int groupWorkers, int failedVisibilityTimeout, int breakerThreshold,
        int breakerOpenSeconds, boolean extendMessageVisibility) {

    static OrderedOptions take(Map<String, Object> parameters) {
        return new OrderedOptions(
                (String) parameters.remove("deadLetterQueue"),
                intOption(parameters, "groupWorkers", 10),
                intOption(parameters, "failedVisibilityTimeout", -1),
                intOption(parameters, "breakerThreshold", 5),
                intOption(parameters, "breakerOpenSeconds", 30),
                // aws2-sqs's option, taken here so that its own extender (which never sees our exchanges) stays off;
                // on by default: a batch runs as a unit, so it must not outlive its visibility timeout
                booleanOption(parameters, "extendMessageVisibility", true));
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
