package dev.sqsrouter.sqs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Acknowledges the groups of one received batch as they settle (finish, or start being retried in place), with as
 * few DeleteMessageBatch calls as it can without holding one group's deletes for another: the groups' successes are
 * gathered and deleted when ten are waiting, when the batch's last group settles, or at the latest
 * {@link #MAX_WAIT_MS} after the first of them was gathered.
 */
final class BatchAcknowledgement {

    /** Longest a finished group's deletes wait for the other groups of its batch. */
    static final long MAX_WAIT_MS = 20;
    private static final int SQS_BATCH_LIMIT = 10;

    private final Consumer<List<SqsMessage>> delete;
    private final Consumer<Runnable> later;
    private final CountDownLatch unsettled;
    private List<SqsMessage> pending = new ArrayList<>();
    private boolean flushPlanned;

    /**
     * @param groups the number of groups in the batch
     * @param delete deletes messages (and then stops extending their visibility)
     * @param later  runs a task {@link #MAX_WAIT_MS} from now, on a thread that may call SQS
     */
    BatchAcknowledgement(int groups, Consumer<List<SqsMessage>> delete, Consumer<Runnable> later) {
        this.unsettled = new CountDownLatch(groups);
        this.delete = delete;
        this.later = later;
    }

    /** A group finished or is being retried in place: what it completed joins the batch's next delete. */
    void settle(Collection<SqsMessage> done) {
        List<SqsMessage> now = null;
        boolean plan = false;
        synchronized (this) {
            pending.addAll(done);
            if (pending.size() >= SQS_BATCH_LIMIT || unsettled.getCount() == 1) {
                // ten waiting, or the batch's last group: delete now
                now = take();
            } else if (!pending.isEmpty() && !flushPlanned && unsettled.getCount() > 1) {
                flushPlanned = true;
                plan = true;
            }
        }
        try {
            if (now != null) {
                delete.accept(now);
            }
            if (plan) {
                later.accept(this::flush);
            }
        } finally {
            unsettled.countDown();
        }
    }

    /** Waits until every group has settled (the last one deletes what was gathered), also when interrupted. */
    void awaitSettled() {
        boolean interrupted = false;
        while (true) {
            try {
                unsettled.await();
                break;
            } catch (InterruptedException e) {
                // the groups still run on their workers and settle; their deletes must not be lost
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    void flush() {
        List<SqsMessage> now;
        synchronized (this) {
            flushPlanned = false;
            now = take();
        }
        if (!now.isEmpty()) {
            delete.accept(now);
        }
    }

    private List<SqsMessage> take() {
        List<SqsMessage> taken = pending;
        pending = new ArrayList<>();
        return taken;
    }
}
