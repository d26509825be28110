package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The histogram read as a Prometheus histogram: ranges by upper bound that add up to the count, and the exact sum. */
class LatencyHistogramTest {

    @Test
    void rangesByUpperBoundAddUpToTheCountAndTheSumIsExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.recordMicros(1);            // 1 us
        histogram.recordMicros(4_000, 3);     // 4 ms, a batch of three
        histogram.recordMicros(20_000);       // 20 ms
        histogram.recordMicros(2_000_000);    // 2 s
        histogram.recordMicros(900_000_000);  // 15 min, past the last bound

        long[] ranges = histogram.countsByUpperBound(new double[] {5_000, 50_000, 1_000_000, 600_000_000});
        assertArrayEquals(new long[] {4, 1, 0, 1, 1}, ranges);
        assertEquals(7, histogram.count());
        assertEquals(1 + 3 * 4_000 + 20_000 + 2_000_000 + 900_000_000L, histogram.sumMicros());
    }

    @Test
    void aBatchOfNoneRecordsNothing() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.recordMicros(1_000, 0);
        assertEquals(0, histogram.count());
        assertEquals(0, histogram.sumMicros());
    }
}
