package dev.sqsrouter.sqs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** Counters of one ordered SQS consumer: what it received and what became of it. */
public final class ConsumerStats {

    final LongAdder received = new LongAdder();
    final LongAdder deleted = new LongAdder();
    final LongAdder kept = new LongAdder();
    final LongAdder released = new LongAdder();
    /** Attempts that failed and were followed by a retry in place (the message held in flight meanwhile). */
    final LongAdder retried = new LongAdder();
    final LongAdder acknowledgeErrors = new LongAdder();
    final LongAdder breakerOpenings = new LongAdder();
    /** Messages whose visibility timeout was extended while their batch ran (one per message and extension). */
    final LongAdder visibilityExtensions = new LongAdder();
    /** ReceiveMessage calls, those that came back empty, and the extra receive loops started. */
    final LongAdder receives = new LongAdder();
    final LongAdder emptyReceives = new LongAdder();
    final LongAdder extraReceiveLoops = new LongAdder();
    /** The state of the running consumer's breaker (CLOSED, OPEN, HALF_OPEN). */
    volatile Supplier<String> breakerState = () -> "CLOSED";
    /** The messages the running consumer keeps in flight (its heartbeat's), read by observers only. */
    volatile IntSupplier inFlight;
    /** The groups the running consumer has in flight (running, or held for a retry in place); read by observers only. */
    volatile IntSupplier groupsInFlightCount = () -> 0;
    /** When SQS received the oldest message the running consumer keeps in flight; read by observers only. */
    volatile Supplier<Instant> oldestInFlightSentAt = () -> null;
    /** Receive to acknowledged (deleted), per deleted message. */
    final LatencyHistogram latency = new LatencyHistogram();

    public long received() {
        return received.sum();
    }

    public long deleted() {
        return deleted.sum();
    }

    /** ReceiveMessage calls answered, empty or not. */
    public long receives() {
        return receives.sum();
    }

    /** ReceiveMessage calls answered with no message. */
    public long emptyReceives() {
        return emptyReceives.sum();
    }

    public long kept() {
        return kept.sum();
    }

    public long released() {
        return released.sum();
    }

    public long retried() {
        return retried.sum();
    }

    public long acknowledgeErrors() {
        return acknowledgeErrors.sum();
    }

    public long breakerOpenings() {
        return breakerOpenings.sum();
    }

    public long visibilityExtensions() {
        return visibilityExtensions.sum();
    }

    /**
     * Messages received and neither deleted nor given back yet. Without a heartbeat (extendMessageVisibility=false)
     * derived from the counters.
     */
    public long inFlight() {
        IntSupplier current = inFlight;
        if (current != null) {
            return current.getAsInt();
        }
        return Math.max(0, received() - deleted() - kept() - released());
    }

    /** Groups in flight in the running consumer (on a standard queue, messages): what maxGroupsInFlight caps. */
    public int groupsInFlight() {
        return groupsInFlightCount.getAsInt();
    }

    /** When SQS received the oldest message in flight in this consumer, or null when none is. */
    public Instant oldestInFlightSentAt() {
        return oldestInFlightSentAt.get();
    }

    /** CLOSED (receiving), OPEN (not receiving for a while after failed batches) or HALF_OPEN. */
    public String breakerState() {
        return breakerState.get();
    }

    public LatencyHistogram latency() {
        return latency;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("received", received());
        map.put("deleted", deleted());
        map.put("keptForRedelivery", kept());
        map.put("releasedUnprocessed", released());
        map.put("retriedInPlace", retried());
        map.put("acknowledgeErrors", acknowledgeErrors.sum());
        map.put("breaker", breakerState());
        map.put("breakerOpenings", breakerOpenings.sum());
        map.put("visibilityExtensions", visibilityExtensions());
        map.put("receives", receives.sum());
        map.put("emptyReceives", emptyReceives.sum());
        map.put("extraReceiveLoops", extraReceiveLoops.sum());
        map.put("groupsInFlight", groupsInFlight());
        map.put("latencyP50Micros", latency.quantileMicros(0.50));
        map.put("latencyP99Micros", latency.quantileMicros(0.99));
        return map;
    }
}
