package dev.sqsrouter.relay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Keeps the messages of running batches invisible: each run extends the visibility timeout of every message that
 * has started and not finished. One per consumer, run on a schedule (a third of the visibility timeout).
 * <p>
 * An acknowledgement (delete, visibility change) of finished messages runs through {@link #acknowledge} and so never
 * overlaps an extension: an extension that had already picked a message up ends before that message is deleted.
 */
final class VisibilityHeartbeat implements Runnable {

    private final Map<String, SqsMessage> running = new ConcurrentHashMap<>();
    private final ReadWriteLock extending = new ReentrantReadWriteLock();
    private final Consumer<List<SqsMessage>> extend;

    /** @param extend extends the visibility timeout of the given messages (SQS batches of ten, errors logged) */
    VisibilityHeartbeat(Consumer<List<SqsMessage>> extend) {
        this.extend = extend;
    }

    void started(Collection<SqsMessage> messages) {
        messages.forEach(message -> running.put(message.receiptHandle(), message));
    }

    void finished(SqsMessage message) {
        running.remove(message.receiptHandle());
    }

    /** Runs an acknowledgement of finished messages, never at the same time as an extension. */
    void acknowledge(Runnable acknowledgement) {
        extending.readLock().lock();
        try {
            acknowledgement.run();
        } finally {
            extending.readLock().unlock();
        }
    }

    @Override
    public void run() {
        extending.writeLock().lock();
        try {
            List<SqsMessage> unfinished = new ArrayList<>(running.values());
            if (!unfinished.isEmpty()) {
                extend.accept(unfinished);
            }
        } finally {
            extending.writeLock().unlock();
        }
    }
}
