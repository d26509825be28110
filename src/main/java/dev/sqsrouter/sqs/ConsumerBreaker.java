package dev.sqsrouter.sqs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Stops a consumer from receiving new messages for a while after many failed attempts in a row, so that a target
 * that is down is probed by the messages already held, not flooded with new ones.
 */
final class ConsumerBreaker {

    private final int threshold;
    private final long openNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition reset = lock.newCondition();
    private int failuresInARow;
    private volatile long openUntil;
    /** Opened at least once and not yet closed by a success: one more failed batch opens it again. */
    private boolean halfOpen;
    /** No failure since the last success: a success has nothing to change (the hot path takes no lock). */
    private volatile boolean clean = true;

    ConsumerBreaker(int threshold, long openMillis) {
        this.threshold = threshold;
        this.openNanos = TimeUnit.MILLISECONDS.toNanos(openMillis);
    }

    /** Records one attempt of a message: a success closes the breaker, failures in a row open it. */
    void record(boolean failed) {
        if (threshold <= 0 || (!failed && clean)) {
            return;
        }
        lock.lock();
        try {
            if (!failed) {
                clean = true;
                failuresInARow = 0;
                halfOpen = false;
                if (openUntil - System.nanoTime() > 0) {
                    // a held message got through while open: the target is back, receive again at once
                    openUntil = System.nanoTime();
                    reset.signalAll();
                }
                return;
            }
            clean = false;
            if (openUntil - System.nanoTime() > 0) {
                // already open: its period runs from the opening (retries in place go on failing meanwhile)
                return;
            }
            failuresInARow++;
            if (failuresInARow >= threshold || halfOpen) {
                openUntil = System.nanoTime() + openNanos;
                failuresInARow = 0;
                halfOpen = true;
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isOpen() {
        return openUntil - System.nanoTime() > 0;
    }

    /** CLOSED (receiving), OPEN (not receiving) or HALF_OPEN (receiving; one more failed batch opens it again). */
    String state() {
        lock.lock();
        try {
            if (openUntil - System.nanoTime() > 0) {
                return "OPEN";
            }
            return halfOpen ? "HALF_OPEN" : "CLOSED";
        } finally {
            lock.unlock();
        }
    }

    /** Blocks while the breaker is open and the consumer may run; returns at once when closed. */
    void awaitClosed(BooleanSupplier mayRun) throws InterruptedException {
        lock.lock();
        try {
            long remaining;
            while ((remaining = openUntil - System.nanoTime()) > 0 && mayRun.getAsBoolean()) {
                // wake at least every second to notice a stopping consumer
                reset.awaitNanos(Math.min(remaining, TimeUnit.SECONDS.toNanos(1)));
            }
        } finally {
            lock.unlock();
        }
    }
}
