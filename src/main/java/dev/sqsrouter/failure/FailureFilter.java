package dev.sqsrouter.failure;

import java.time.Instant;
import java.util.List;

/**
 * What a listing across queues shows: the statuses (one, or all three), and optionally one queue (its SQS name), one
 * group ("-" for the records of a standard queue), one class, and a time range of recordedAt (both ends included).
 */
public record FailureFilter(List<FailureStatus> statuses, String queue, String group, FailureClass failureClass,
        Instant from, Instant to) {

    public FailureFilter {
        statuses = List.copyOf(statuses);
        if (statuses.isEmpty()) {
            throw new IllegalArgumentException("a listing needs at least one status");
        }
    }

    /** The OPEN records, all queues. */
    public static FailureFilter open() {
        return new FailureFilter(List.of(FailureStatus.OPEN), null, null, null, null, null);
    }

    /** Stands for the filter in a cursor, so that a cursor is used with the listing it came from. */
    String fingerprint() {
        // text only: an enum's hashCode differs from one JVM to the next, and a cursor outlives the process
        String text = statuses.stream().map(Enum::name).toList() + "|" + queue + "|" + group + "|"
                + (failureClass == null ? null : failureClass.name()) + "|" + from + "|" + to;
        return Integer.toHexString(text.hashCode());
    }
}
