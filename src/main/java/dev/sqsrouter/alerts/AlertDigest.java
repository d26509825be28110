package dev.sqsrouter.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.sqsrouter.failure.FailureClass;

/**
 * The failures of one alert window, summed up: their number, counts per queue and class, the first few in full. Holds
 * no more than {@link #SHOWN} alerts whatever the number of failures. Built by the aggregator, under its lock.
 */
public final class AlertDigest {

    /** Failures shown one by one in a summary; the rest are counted. */
    public static final int SHOWN = 5;

    private long total;
    private Instant first;
    private Instant last;
    /** "alias (queue)" -> class -> count, in name order. */
    private final Map<String, Map<FailureClass, Long>> counts = new TreeMap<>();
    private final List<FailureAlert> shown = new ArrayList<>();

    public AlertDigest add(FailureAlert alert) {
        total++;
        Instant at = alert.recordedAt() != null ? alert.recordedAt() : Instant.now();
        first = first == null || at.isBefore(first) ? at : first;
        last = last == null || at.isAfter(last) ? at : last;
        counts.computeIfAbsent(queueLabel(alert), q -> new TreeMap<>()).merge(alert.failureClass(), 1L, Long::sum);
        if (shown.size() < SHOWN) {
            shown.add(alert);
        }
        return this;
    }

    public long total() {
        return total;
    }

    public Instant first() {
        return first;
    }

    public Instant last() {
        return last;
    }

    public Map<String, Map<FailureClass, Long>> counts() {
        return counts;
    }

    public List<FailureAlert> shown() {
        return shown;
    }

    static String queueLabel(FailureAlert alert) {
        return alert.alias().equals(alert.queue()) ? alert.queue() : alert.alias() + " (" + alert.queue() + ")";
    }
}
