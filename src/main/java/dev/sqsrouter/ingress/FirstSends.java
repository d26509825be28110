package dev.sqsrouter.ingress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * What this instance answered for each deduplication id it sent within SQS's 5-minute deduplication interval, so that
 * a repeat is answered with the first message's ids. Bounded: at most {@code capacity} ids, the oldest forgotten first
 * (a forgotten id is still dropped by SQS; its repeat is then answered with what SQS answers, unmarked). Each id's time
 * is taken before its send, so this window ends no later than SQS's: a repeat found here is one SQS drops too.
 * Lock-free apart from the map's own per-bin locking.
 */
final class FirstSends {

    /** SQS's deduplication interval. */
    static final long WINDOW_NANOS = 5 * 60 * 1_000_000_000L;

    /** The first send of a deduplication id: what was answered, and when (System.nanoTime) it was sent. */
    record First(SendMessageResponse answer, long sentAt) {
    }

    private final int capacity;
    private final long windowNanos;
    private final Map<String, First> byId = new ConcurrentHashMap<>();
    /** The ids in the order they were noted, to forget the oldest. */
    private final ConcurrentLinkedQueue<Map.Entry<String, First>> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    FirstSends(int capacity) {
        this(capacity, WINDOW_NANOS);
    }

    FirstSends(int capacity, long windowNanos) {
        this.capacity = capacity;
        this.windowNanos = windowNanos;
    }

    /** The first send of the id within the window, or null. */
    First of(String deduplicationId, long now) {
        First first = byId.get(deduplicationId);
        return first != null && now - first.sentAt() < windowNanos ? first : null;
    }

    /**
     * Notes a send SQS took; returns the first send of the id if another one within the window was noted before
     * (two sends of one id under way at once: the one noted first is the first), else null.
     */
    First note(String deduplicationId, First sent, long now) {
        First kept = byId.compute(deduplicationId, (id, old) -> old != null && now - old.sentAt() < windowNanos ? old : sent);
        if (kept != sent) {
            return kept;
        }
        order.add(Map.entry(deduplicationId, sent));
        size.incrementAndGet();
        forget(now);
        return null;
    }

    int size() {
        return byId.size();
    }

    private void forget(long now) {
        Map.Entry<String, First> oldest;
        while ((oldest = order.peek()) != null && (size.get() > capacity || now - oldest.getValue().sentAt() >= windowNanos)) {
            Map.Entry<String, First> taken = order.poll();
            if (taken == null) {
                return;
            }
            size.decrementAndGet();
            // only this entry: a newer first send of the same id stays
            byId.remove(taken.getKey(), taken.getValue());
        }
    }
}
