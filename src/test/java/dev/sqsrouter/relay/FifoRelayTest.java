package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class FifoRelayTest extends RelayTestSupport {

    @Test
    void loadScriptScenarioArrivesInOrder() {
        int n = 30;
        for (int seq = 1; seq <= n; seq++) {
            sendToQueue("queue-1", "10", "{\"MessageGroupID\":\"10\",\"transSeq\":\"" + seq + "\",\"time_out\":0.5,\"http_status\":200}");
        }
        await().atMost(30, SECONDS).until(() -> target.received().size() >= n);
        List<String> expected = IntStream.rangeClosed(1, n).mapToObj(i -> "\"transSeq\":\"" + i + "\"").toList();
        List<String> seen = target.received().stream().map(b -> b.replaceAll(".*(\"transSeq\":\"\\d+\").*", "$1")).toList();
        assertEquals(expected, seen);
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
    }
}
