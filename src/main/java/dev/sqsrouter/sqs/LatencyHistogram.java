package dev.sqsrouter.sqs;

import java.util.concurrent.atomic.AtomicLongArray;

/** A lock-free histogram of durations with about 2% relative precision, from 1 microsecond to about 10 minutes. */
public final class LatencyHistogram {

    private static final double GROWTH = Math.log(1.02);
    private static final int BUCKETS = (int) Math.ceil(Math.log(600e6) / GROWTH) + 1;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void recordMicros(long micros) {
        int bucket = micros <= 1 ? 0 : (int) Math.min(BUCKETS - 1, Math.round(Math.log(micros) / GROWTH));
        counts.incrementAndGet(bucket);
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
