package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void rateOnePerSecondBurstThreeTakesThreeThenOnePerSecond() {
        long now = -5 * SECOND; // System.nanoTime may be negative
        TokenBucket bucket = new TokenBucket(1, 3, now);
        assertEquals(3.0, bucket.tokens(now));
        assertEquals(0, bucket.take(now));
        assertEquals(0, bucket.take(now));
        assertEquals(0, bucket.take(now));
        assertEquals(0.0, bucket.tokens(now));
        assertEquals(SECOND, bucket.take(now));
        assertEquals(1, TokenBucket.retryAfterSeconds(bucket.take(now)));
        // a refused request takes nothing: 400 ms later the wait is 600 ms
        assertEquals(600_000_000L, bucket.take(now + 400_000_000L));
        assertEquals(0.5, bucket.tokens(now + SECOND / 2));
        assertEquals(0, bucket.take(now + SECOND));
        assertEquals(SECOND, bucket.take(now + SECOND));
        // idle long enough: full again, never more than the burst
        assertEquals(3.0, bucket.tokens(now + 100 * SECOND));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, bucket.take(now + 100 * SECOND));
        }
        assertEquals(SECOND, bucket.take(now + 100 * SECOND));
    }

    @Test
    void slowRateWaitsInWholeSecondsRoundedUp() {
        TokenBucket bucket = new TokenBucket(0.4, 1, 0);
        assertEquals(0, bucket.take(0));
        assertEquals(2_500_000_000L, bucket.take(0));
        assertEquals(3, TokenBucket.retryAfterSeconds(bucket.take(0)));
        assertEquals(1, TokenBucket.retryAfterSeconds(bucket.take(2_400_000_000L)));
    }
}
