package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** When the groups of one batch are deleted: as few calls as possible, without a group waiting long for another. */
class BatchAcknowledgementTest {

    /** Each delete that reaches SQS, as the ids it deletes. */
    private final List<List<String>> deletes = new ArrayList<>();
    /** Flushes planned for {@link BatchAcknowledgement#MAX_WAIT_MS} from now, run when the test says so. */
    private final List<Runnable> planned = new ArrayList<>();

    private BatchAcknowledgement batch(int groups) {
        return new BatchAcknowledgement(groups, done -> {
            if (!done.isEmpty()) {
                deletes.add(done.stream().map(SqsMessage::messageId).toList());
            }
        }, planned::add);
    }

    private static List<SqsMessage> messages(String... ids) {
        return List.of(ids).stream().map(id -> new SqsMessage("q.fifo", id, "receipt-" + id, "g-" + id, "1", 1,
                Instant.EPOCH, Instant.EPOCH, "{}", null)).toList();
    }

    @Test
    void theBatchsLastGroupDeletesWhatTheOthersGatheredInOneCall() {
        BatchAcknowledgement batch = batch(3);
        batch.settle(messages("a1", "a2"));
        batch.settle(messages("b1"));
        assertEquals(List.of(), deletes);
        assertEquals(1, planned.size(), "one flush is planned for the batch, not one per group");

        batch.settle(messages("c1"));
        assertEquals(List.of(List.of("a1", "a2", "b1", "c1")), deletes);
        batch.awaitSettled();

        // the planned flush finds nothing left
        planned.get(0).run();
        assertEquals(1, deletes.size());
    }

    @Test
    void aFinishedGroupWaitsForASlowOneAtMostUntilThePlannedFlush() {
        BatchAcknowledgement batch = batch(2);
        batch.settle(messages("a1"));
        planned.get(0).run();
        assertEquals(List.of(List.of("a1")), deletes);

        batch.settle(messages("b1"));
        assertEquals(List.of(List.of("a1"), List.of("b1")), deletes);
    }

    @Test
    void tenGatheredMessagesAreDeletedWithoutWaiting() {
        BatchAcknowledgement batch = batch(3);
        String[] ten = IntStream.rangeClosed(1, 10).mapToObj(i -> "a" + i).toArray(String[]::new);
        batch.settle(messages(ten));

        assertEquals(List.of(List.of(ten)), deletes);
        assertEquals(List.of(), planned);
    }
}
