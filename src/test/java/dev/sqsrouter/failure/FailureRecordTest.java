package dev.sqsrouter.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class FailureRecordTest {

    private static FailureRecord withSequence(String sequence) {
        return new FailureRecord("q.fifo", "g", sequence, "m", "{}", FailureClass.BUSINESS, "r", 200, "{}", 1, null,
                Instant.EPOCH);
    }

    @Test
    void sortKeysOrderAsTheSequenceNumbersDoWhateverTheirLength() {
        List<String> sequences = List.of("9", "10", "18889554286421737472", "100000000000000000000000000000000000000");
        List<String> sorted = sequences.stream().map(s -> withSequence(s).sortKey()).sorted().toList();
        assertEquals(sequences.stream().map(s -> withSequence(s).sortKey()).toList(), sorted);
    }

    @Test
    void aStandardQueueMessageKeepsItsSortKeyAcrossDeliveries() {
        Instant firstReceive = Instant.ofEpochMilli(1_700_000_000_000L);
        FailureRecord first = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.MALFORMED, "r", null, null, 1,
                firstReceive, Instant.ofEpochMilli(1_700_000_000_500L));
        FailureRecord redelivered = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.MALFORMED, "r", null, null,
                2, firstReceive, Instant.ofEpochMilli(1_700_000_031_000L));
        assertEquals(first.sortKey(), redelivered.sortKey());
    }

    @Test
    void partitionKeyNamesQueueAndGroupAndStandardQueuesHaveADash() {
        assertEquals("q.fifo#g", withSequence("1").partitionKey());
        FailureRecord standard = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.MALFORMED, "r", null, null, 1,
                null, Instant.ofEpochMilli(42));
        assertEquals("q#-", standard.partitionKey());
        assertEquals("t000000000000042#m-1", standard.sortKey());
    }

    @Test
    void eachRecordOfAMessageHasAKeyOfItsOwnTheSameAcrossDeliveries() {
        Instant firstReceive = Instant.ofEpochMilli(1_700_000_000_000L);
        FailureRecord whole = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.BUSINESS, "r", null, null, 1,
                firstReceive, Instant.ofEpochMilli(1_700_000_000_500L));
        FailureRecord second = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.BUSINESS, "r", null, null, 1,
                firstReceive, Instant.ofEpochMilli(1_700_000_000_500L), null, 1);
        FailureRecord third = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.BUSINESS, "r", null, null, 1,
                firstReceive, Instant.ofEpochMilli(1_700_000_000_600L), null, 2);
        FailureRecord secondRedelivered = new FailureRecord("q", null, null, "m-1", "{}", FailureClass.BUSINESS, "r", null,
                null, 3, firstReceive, Instant.ofEpochMilli(1_700_000_061_000L), null, 1);

        assertEquals("t001700000000000#m-1#r00001", second.sortKey());
        assertEquals(second.sortKey(), secondRedelivered.sortKey());
        assertEquals(List.of(whole.sortKey(), second.sortKey(), third.sortKey()),
                List.of(third.sortKey(), whole.sortKey(), second.sortKey()).stream().sorted().toList(),
                "a message's records list right after it, in record order");
        assertEquals(2, third.recordIndex());
        assertEquals(null, whole.recordIndex());
    }
}
