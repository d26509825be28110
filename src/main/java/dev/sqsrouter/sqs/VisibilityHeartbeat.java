package dev.sqsrouter.sqs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps received messages invisible until their own acknowledgement is done: each run extends the visibility
 * timeout of every message that was received and is not yet deleted or given back. One per consumer, run on a
 * schedule (a third of the visibility timeout) by a single thread.
 * <p>
 * Nothing here holds a lock across a call to SQS. A delete may overlap an extension (SQS then refuses the extension
 * of a deleted message, which is harmless); a visibility change that gives messages back (a release) must not be
 * overtaken by an extension that would hide them again, so releases run on the heartbeat's own thread, after any
 * extension under way.
 */
final class VisibilityHeartbeat implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(VisibilityHeartbeat.class);

    private final Map<String, SqsMessage> running = new ConcurrentHashMap<>();
    private final BiConsumer<List<SqsMessage>, Integer> release;
    private final Consumer<List<SqsMessage>> extend;
    private final Executor serial;

    /**
     * @param release sets the visibility timeout of messages given back (SQS batches of ten, errors logged)
     * @param extend  extends the visibility timeout of the running messages
     * @param serial  the heartbeat's own thread, on which releases run
     */
    VisibilityHeartbeat(BiConsumer<List<SqsMessage>, Integer> release, Consumer<List<SqsMessage>> extend, Executor serial) {
        this.release = release;
        this.extend = extend;
        this.serial = serial;
    }

    void started(Collection<SqsMessage> messages) {
        messages.forEach(message -> running.put(message.receiptHandle(), message));
    }

    /** Runs the delete of these messages and only then stops extending them, whatever the delete's outcome. */
    void delete(Collection<SqsMessage> messages, Runnable delete) {
        try {
            delete.run();
        } finally {
            finished(messages);
        }
    }

    private void finished(Collection<SqsMessage> messages) {
        messages.forEach(message -> running.remove(message.receiptHandle()));
    }

    boolean isRunning(SqsMessage message) {
        return running.containsKey(message.receiptHandle());
    }

    /** How many messages it keeps invisible now. */
    int runningCount() {
        return running.size();
    }

    /** When SQS received the oldest message it keeps invisible now (null: none, or no SentTimestamp). */
    Instant oldestSentAt() {
        Instant oldest = null;
        for (SqsMessage message : running.values()) {
            if (message.sentAt() != null && (oldest == null || message.sentAt().isBefore(oldest))) {
                oldest = message.sentAt();
            }
        }
        return oldest;
    }

    /** Gives messages back to SQS (visible again after {@code seconds}), after any extension under way. */
    void release(Collection<SqsMessage> messages, int seconds) {
        if (messages.isEmpty()) {
            return;
        }
        List<SqsMessage> released = List.copyOf(messages);
        finished(released);
        try {
            serial.execute(() -> release.accept(released, seconds));
        } catch (RejectedExecutionException stopped) {
            // the heartbeat has stopped, so no extension can overtake the release any more
            release.accept(released, seconds);
        }
    }

    @Override
    public void run() {
        try {
            List<SqsMessage> unfinished = new ArrayList<>(running.values());
            if (!unfinished.isEmpty()) {
                extend.accept(unfinished);
            }
        } catch (RuntimeException | Error e) {
            // a scheduled task that throws is never run again: log, and extend on the next run
            LOG.warn("visibility extension failed; the next run tries again", e);
        }
    }
}
