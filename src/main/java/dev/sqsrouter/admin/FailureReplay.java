package dev.sqsrouter.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import dev.sqsrouter.failure.FailureClaims;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStatus;
import dev.sqsrouter.failure.FailureStore;
import dev.sqsrouter.failure.StoredFailure;
import dev.sqsrouter.http.HttpApiException;
import dev.sqsrouter.ingress.IngressRequest;
import dev.sqsrouter.ingress.IngressSender;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends a group's OPEN failure records back to their queue, in sequence order and with the same group, and marks
 * each REPLAYED. Each record is claimed before it is sent (a conditional change to REPLAYING with a lease, see
 * {@link FailureStore#claim}), then sent, then marked REPLAYED under that claim: a record discarded or replayed by
 * someone else at the same moment is never sent, and of two replays of one group the second stops at the first record
 * the other holds (order holds: it leaves the rest to the one that runs). A replay that dies between claim and mark
 * leaves the record REPLAYING; once its lease has run out the next replay claims and sends it again, with the same
 * deduplication id (derived from the record), so that SQS drops the second copy if the first was sent within 5 minutes.
 * The first send that fails gives its claim back (OPEN again) and stops the replay, so that order holds.
 * Each copy carries the record's idempotency key (or, for a record without one, its message id, which was the key),
 * so that the response server sees the same Idempotency-Key as on the first delivery.
 * <p>
 * The group's OPEN records are read page by page as the replay goes ({@link FailureStore#openPages}), their bodies in
 * S3 one at a time: a group of thousands of records is never held in memory, only one page and the short result of
 * each record.
 */
public class FailureReplay {

    /** One replayed record: its sequence, and the message id and sequence number of the copy sent. */
    public record Replayed(String sequence, String messageId, String replayMessageId, String replaySequenceNumber, boolean marked) {
    }

    /** An OPEN record that could not be replayed, and why. */
    public record Skipped(String sequence, String messageId, String reason) {
    }

    /**
     * What a replay did; failure is null unless a send failed, which stopped it; busy is null unless another replay
     * holds a record of the group, which stopped this one; pages = store pages read.
     */
    public record Result(List<Replayed> replayed, List<Skipped> skipped, String failure, int pages, String busy) {
    }

    /** OPEN records read from the store at a time. */
    static final int PAGE_SIZE = 100;
    /** How long a claim holds a record by default (failures.replay-lease-seconds): far longer than one send and mark. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(120);

    private final FailureStore store;
    private final IngressSender sender;
    private final Clock clock;
    private final int pageSize;
    private final Duration lease;

    public FailureReplay(FailureStore store, IngressSender sender, Clock clock) {
        this(store, sender, clock, PAGE_SIZE, DEFAULT_LEASE);
    }

    /** With another lease per claim. */
    public FailureReplay(FailureStore store, IngressSender sender, Clock clock, Duration lease) {
        this(store, sender, clock, PAGE_SIZE, lease);
    }

    /** With another page size (tests show the paging with a small one). */
    FailureReplay(FailureStore store, IngressSender sender, Clock clock, int pageSize) {
        this(store, sender, clock, pageSize, DEFAULT_LEASE);
    }

    private FailureReplay(FailureStore store, IngressSender sender, Clock clock, int pageSize, Duration lease) {
        if (lease == null || lease.toSeconds() < 1) {
            throw new IllegalArgumentException("failures.replay-lease-seconds must be at least 1, not " + lease);
        }
        this.store = store;
        this.sender = sender;
        this.clock = clock;
        this.pageSize = pageSize;
        this.lease = lease;
    }

    public Result replay(String alias, String queue, String group) {
        List<Replayed> replayed = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        // this replay's claims: a mark or release changes only what it claimed
        String claimId = UUID.randomUUID().toString();
        int pages = 0;
        for (List<StoredFailure> page : store.openPages(queue, group, pageSize)) {
            pages++;
            Stop stop = replayPage(alias, queue, claimId, page, replayed, skipped);
            if (stop != null) {
                return new Result(replayed, skipped, stop.failure(), pages, stop.busy());
            }
        }
        return new Result(replayed, skipped, null, pages, null);
    }

    private record Stop(String failure, String busy) {
    }

    /** Replays one page in order; why it stopped, or null. */
    private Stop replayPage(String alias, String queue, String claimId, List<StoredFailure> page, List<Replayed> replayed,
            List<Skipped> skipped) {
        for (StoredFailure entry : page) {
            if (entry.status() != FailureStatus.OPEN && entry.status() != FailureStatus.REPLAYING) {
                continue;
            }
            // a body kept in S3 is read now, one at a time: a page of large bodies is never held at once
            entry = store.body(entry);
            FailureRecord record = entry.record();
            if (record.body() == null || (record.group() == null && IngressSender.isFifo(queue))) {
                skipped.add(new Skipped(record.sequence(), record.messageId(), entry.body().missing() != null
                        ? entry.body().missing() + ": not replayed, the record stays OPEN"
                        : record.body() == null ? "no body was stored" : "no message group was stored"));
                continue;
            }
            switch (store.claim(record, claimId, Instant.now(clock), lease)) {
                case CLAIMED -> {
                }
                case BUSY -> {
                    return new Stop(null, "the record with sequence " + record.sequence() + " is being replayed by another"
                            + " replay: this one stops there, so that order holds; it and the later records are the other's");
                }
                case RESOLVED -> {
                    skipped.add(new Skipped(record.sequence(), record.messageId(), store.status(queue, record.group(),
                            record.sortKey()).map(FailureStatus::name).orElse("gone") + " meanwhile: not replayed"));
                    continue;
                }
                default -> {
                    skipped.add(new Skipped(record.sequence(), record.messageId(), "gone meanwhile: not replayed"));
                    continue;
                }
            }
            SendMessageResponse sent;
            try {
                // the original's key goes with the copy: the response server sees the replay as the same message again
                sent = sender.send(new IngressRequest(alias, queue, record.body(), record.group(), deduplicationId(record),
                        record.replayIdempotencyKey()));
            } catch (HttpApiException unavailable) {
                store.release(record, claimId);
                return new Stop("the queue did not take the record with sequence " + record.sequence()
                        + "; it and the later records stay OPEN: replay again", null);
            }
            boolean marked = store.markReplayed(record, claimId, sent.messageId(), Instant.now(clock)) == FailureClaims.Transition.DONE;
            replayed.add(new Replayed(record.sequence(), record.messageId(), sent.messageId(), sent.sequenceNumber(), marked));
        }
        return null;
    }

    /** The same for every replay of one record: SQS drops a second copy sent within 5 minutes. */
    static String deduplicationId(FailureRecord record) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("replay#" + record.partitionKey() + "#" + record.sortKey()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
