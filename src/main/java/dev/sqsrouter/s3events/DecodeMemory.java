package dev.sqsrouter.s3events;

import java.util.concurrent.Semaphore;

/**
 * The memory the image decodes running at once may take together: a decode holds its estimate (in KiB) until its
 * image is decoded, and waits while the others hold the rest. One per application, shared by every thumbnail route.
 */
public final class DecodeMemory {

    private static final int KIB = 1024;

    private final long bytes;
    private final int kib;
    private final Semaphore free;

    /** @param bytes what the decodes at once may hold together (s3events.thumbnail.decode-memory) */
    public DecodeMemory(long bytes) {
        if (bytes < KIB || bytes / KIB > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("s3events.thumbnail.decode-memory must be between 1024 and "
                    + (long) Integer.MAX_VALUE * KIB + " bytes, not " + bytes);
        }
        this.bytes = bytes;
        this.kib = (int) (bytes / KIB);
        this.free = new Semaphore(kib, true);
    }

    /** The budget, in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Bytes held by decodes now. */
    public long heldBytes() {
        return (long) (kib - free.availablePermits()) * KIB;
    }

    /** Holds {@code estimate} bytes (at most the whole budget) until the returned hold is closed; waits for room. */
    Held hold(long estimate) {
        int permits = (int) Math.min(kib, Math.max(1, (estimate + KIB - 1) / KIB));
        try {
            free.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
        return () -> free.release(permits);
    }

    /** What a decode holds; closing it gives the memory back. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Stopping while a decode waited for room: not the image's fault, so not a refusal. */
    static final class Interrupted extends IllegalStateException {
        Interrupted() {
            super("interrupted while waiting for decode memory (stopping)");
        }
    }
}
