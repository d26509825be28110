package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OrderedSqsEndpointTest {

    @Test
    void aFifoQueueReadWithoutGroupIdsFailsFastWithWhatToFix() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> OrderedSqsEndpoint.requireGroupIds("queue-1.fifo", "ApproximateReceiveCount,SequenceNumber"));
        assertTrue(refused.getMessage().contains("MessageGroupId"), refused.getMessage());
        assertDoesNotThrow(() -> OrderedSqsEndpoint.requireGroupIds("queue-1.fifo", "All"));
        assertDoesNotThrow(() -> OrderedSqsEndpoint.requireGroupIds("queue-1.fifo", "SequenceNumber, MessageGroupId"));
        assertDoesNotThrow(() -> OrderedSqsEndpoint.requireGroupIds("image-audit", "ApproximateReceiveCount"));
    }
}
