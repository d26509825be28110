package dev.sqsrouter.sqs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The back-pressure of one consumer: counts the groups in flight (received and not finished: running, or held for a
 * retry in place) against the cap, and holds the receives while the cap is reached. A receive may take the count past
 * the cap by one batch: the cap bounds when receives start, not what one receive returns.
 */
final class GroupAdmission {

    private final int cap;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Groups finished so far: a receive waiting for one to finish compares it with what it saw. */
    private final AtomicLong finishes = new AtomicLong();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Object changed = new Object();

    GroupAdmission(int cap) {
        this.cap = cap;
    }

    /** Groups of a received batch are now in flight. */
    void admitted(int groups) {
        inFlight.addAndGet(groups);
    }

    /** A group has finished: one fewer in flight; a receive waiting for room or for a finish may go on. */
    void finished() {
        inFlight.decrementAndGet();
        finishes.incrementAndGet();
        if (waiting.get() > 0) {
            synchronized (changed) {
                changed.notifyAll();
            }
        }
    }

    /** Groups finished so far, for {@link #awaitFinish}. */
    long finishes() {
        return finishes.get();
    }

    /**
     * Waits until a group finishes after {@code seen} ({@link #finishes()} read before), at most {@code millis}, while
     * {@code mayGoOn} holds (checked every second).
     */
    void awaitFinish(long seen, long millis, BooleanSupplier mayGoOn) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        waiting.incrementAndGet();
        try {
            synchronized (changed) {
                long left;
                while (finishes.get() == seen && mayGoOn.getAsBoolean()
                        && (left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) > 0) {
                    changed.wait(Math.min(1000, left));
                }
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Room for this many more groups before the cap (negative past it). */
    int room() {
        return cap - inFlight.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits while the cap is reached and {@code mayGoOn} holds; returns true when there is room. Checks {@code mayGoOn}
     * every second, so that a stop never waits for a group to finish.
     */
    boolean awaitRoom(BooleanSupplier mayGoOn) throws InterruptedException {
        if (room() > 0) {
            return true;
        }
        waiting.incrementAndGet();
        try {
            synchronized (changed) {
                while (room() <= 0 && mayGoOn.getAsBoolean()) {
                    changed.wait(1000);
                }
            }
        } finally {
            waiting.decrementAndGet();
        }
        return room() > 0;
    }
}
