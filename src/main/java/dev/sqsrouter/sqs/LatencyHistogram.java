package dev.sqsrouter.sqs;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** A lock-free histogram of durations with about 2% relative precision, from 1 microsecond to about 10 minutes. */
public final class LatencyHistogram {

    private static final double GROWTH = Math.log(1.02);
    private static final int BUCKETS = (int) Math.ceil(Math.log(600e6) / GROWTH) + 1;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder sumMicros = new LongAdder();

    public void recordMicros(long micros) {
        recordMicros(micros, 1);
    }

    /** Records the same duration {@code times} times (the messages of one delete batch). */
    public void recordMicros(long micros, int times) {
        if (times <= 0) {
            return;
        }
        int bucket = micros <= 1 ? 0 : (int) Math.min(BUCKETS - 1, Math.round(Math.log(micros) / GROWTH));
        counts.addAndGet(bucket, times);
        sumMicros.add(micros * times);
    }

    /** The sum of the recorded durations, in microseconds. */
    public long sumMicros() {
        return sumMicros.sum();
    }

    /**
     * The number of durations in each range ending at the given upper bounds (ascending, in microseconds), and past the
     * last one in a last element: one pass over the buckets, so that the ranges add up to the count they were read at.
     * A duration is placed by the value its bucket stands for (about 1% from the recorded one).
     */
    public long[] countsByUpperBound(double[] upperBoundsMicros) {
        long[] ranges = new long[upperBoundsMicros.length + 1];
        int range = 0;
        for (int i = 0; i < BUCKETS; i++) {
            double value = i == 0 ? 1 : Math.exp(i * GROWTH);
            while (range < upperBoundsMicros.length && value > upperBoundsMicros[range]) {
                range++;
            }
            ranges[range] += counts.get(i);
        }
        return ranges;
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The value at quantile q (0..1) in microseconds, or 0 when nothing was recorded. */
    public long quantileMicros(double q) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.round(Math.exp(i * GROWTH));
            }
        }
        return Math.round(Math.exp((BUCKETS - 1) * GROWTH));
    }
}
