package dev.sqsrouter.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

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
 * each REPLAYED. A record is sent, then marked (conditionally: only an OPEN record becomes REPLAYED); its
 * deduplication id is derived from the record, so a replay repeated within SQS's 5-minute window after a crash
 * between the two steps does not send it twice. The first send that fails stops the replay, so that order holds.
 * Each copy carries the record's idempotency key (or, for a record without one, its message id, which was the key),
 * so that the response server sees the same Idempotency-Key as on the first delivery.
 * <p>
 * The group's OPEN records are read page by page as the replay goes ({@link FailureStore#openPages}): a group of
 * thousands of records is never held in memory, only one page and the short result of each record.
 */
public class FailureReplay {

    /** One replayed record: its sequence, and the message id and sequence number of the copy sent. */
    public record Replayed(String sequence, String messageId, String replayMessageId, String replaySequenceNumber, boolean marked) {
    }

    /** An OPEN record that could not be replayed, and why. */
    public record Skipped(String sequence, String messageId, String reason) {
    }

    /** What a replay did; failure is null unless a send failed, which stopped it; pages = store pages read. */
    public record Result(List<Replayed> replayed, List<Skipped> skipped, String failure, int pages) {
    }

    /** OPEN records read from the store at a time. */
    static final int PAGE_SIZE = 100;

    private final FailureStore store;
    private final IngressSender sender;
    private final Clock clock;
    private final int pageSize;

    public FailureReplay(FailureStore store, IngressSender sender, Clock clock) {
        this(store, sender, clock, PAGE_SIZE);
    }

    /** With another page size (tests show the paging with a small one). */
    FailureReplay(FailureStore store, IngressSender sender, Clock clock, int pageSize) {
        this.store = store;
        this.sender = sender;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    public Result replay(String alias, String queue, String group) {
        List<Replayed> replayed = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        int pages = 0;
        for (List<StoredFailure> page : store.openPages(queue, group, pageSize)) {
            pages++;
            String failure = replayPage(alias, queue, page, replayed, skipped);
            if (failure != null) {
                return new Result(replayed, skipped, failure, pages);
            }
        }
        return new Result(replayed, skipped, null, pages);
    }

    /** Replays one page in order; the reason it stopped, or null. */
    private String replayPage(String alias, String queue, List<StoredFailure> page, List<Replayed> replayed, List<Skipped> skipped) {
        for (StoredFailure entry : page) {
            if (entry.status() != FailureStatus.OPEN) {
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
            SendMessageResponse sent;
            try {
                // the original's key goes with the copy: the response server sees the replay as the same message again
                sent = sender.send(new IngressRequest(alias, queue, record.body(), record.group(), deduplicationId(record),
                        record.replayIdempotencyKey()));
            } catch (HttpApiException unavailable) {
                return "the queue did not take the record with sequence " + record.sequence()
                        + "; it and the later records stay OPEN: replay again";
            }
            boolean marked = store.markReplayed(record, sent.messageId(), Instant.now(clock)) == FailureStore.Transition.DONE;
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
