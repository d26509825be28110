package dev.sqsrouter.sqs;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many receives a consumer runs at once, following the work: the long-polling receive loops (concurrentConsumers)
 * always run; after a receive that returned a full batch another receive starts, as long as fewer than the limit run
 * and the groups in flight leave room for one more batch per receive under way. Each extra receive asks without
 * waiting and ends when its answers stop coming full, so an idle, trickling or locked queue is polled by the
 * long-polling loops alone (ElasticMQ
 * and SQS both spend work on every waiting receive of a FIFO queue whose groups are all in flight).
 */
final class ReceiveScaling {

    private final int limit;
    private final int pollers;
    private final AtomicInteger extra = new AtomicInteger();

    /**
     * @param limit   receives under way at most, the long-polling loops included
     * @param pollers the long-polling receive loops
     */
    ReceiveScaling(int limit, int pollers) {
        this.pollers = pollers;
        this.limit = Math.max(limit, pollers);
    }

    /**
     * After a receive that returned messages: true if one more receive is to start now (the caller then runs it and
     * calls {@link #ended()} when it ends), with {@code room} the groups the cap still allows.
     */
    boolean startAnother(int room) {
        while (true) {
            int now = extra.get();
            int running = pollers + now;
            if (running >= limit || room < (now + 1) * OrderedOptions.SQS_RECEIVE_LIMIT) {
                return false;
            }
            if (extra.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** An extra receive loop has ended. */
    void ended() {
        extra.decrementAndGet();
    }

    /** True while the extra receive under way may receive again: the groups in flight leave room for its batch. */
    boolean mayGoOn(int room) {
        return room >= extra.get() * OrderedOptions.SQS_RECEIVE_LIMIT;
    }
}
