package dev.sqsrouter.ingress;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket kept as one number, the time at which it will be full again less one token (the generic cell rate
 * algorithm): a request takes a token with one compare-and-set, without a lock; {@code rate} tokens a second come
 * back, up to {@code burst}.
 */
final class TokenBucket {

    private static final long SECOND = 1_000_000_000L;

    /** Nanoseconds per token. */
    private final long interval;
    /** How far ahead of now the theoretical time may run: burst - 1 tokens. */
    private final long tolerance;
    private final AtomicLong theoretical;

    TokenBucket(double rate, int burst, long nowNanos) {
        if (rate <= 0 || burst < 1) {
            throw new IllegalArgumentException("a bucket needs a rate above 0 and a burst of at least 1");
        }
        this.interval = Math.max(1, Math.round(SECOND / rate));
        this.tolerance = (burst - 1) * interval;
        this.theoretical = new AtomicLong(nowNanos);
    }

    /** Takes a token: 0 when taken, else the nanoseconds until one is there (nothing is taken). */
    long take(long nowNanos) {
        while (true) {
            long due = theoretical.get();
            long start = due - nowNanos > 0 ? due : nowNanos;
            long wait = start - nowNanos - tolerance;
            if (wait > 0) {
                return wait;
            }
            if (theoretical.compareAndSet(due, start + interval)) {
                return 0;
            }
        }
    }

    /** Tokens there now, between 0 and the burst (fractions while one comes back). */
    double tokens(long nowNanos) {
        long ahead = Math.max(0, theoretical.get() - nowNanos);
        return Math.max(0, (tolerance + interval - ahead) / (double) interval);
    }

    /** Whole seconds to wait, as Retry-After says it: at least 1. */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + SECOND - 1) / SECOND);
    }
}
