package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sqsrouter.sqs.SqsMessage;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

/**
 * Fault: an Error (an OutOfMemoryError, say) is thrown while a message is processed. Promise: the message is not
 * retried at once, in place or by a release: it goes back to SQS and is handed out again only when its visibility
 * timeout has passed (as if the instance had died), a new receive; its group waits for it and then goes on in order.
 */
class ErrorInFlowTest extends RelayTestSupport {

    private static final int VISIBILITY_SECONDS = 3;

    private final List<Long> attempts = new CopyOnWriteArrayList<>();
    private final List<Integer> receiveCounts = new CopyOnWriteArrayList<>();

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("relay.visibility-timeout", Integer.toString(VISIBILITY_SECONDS));
    }

    @Test
    void anErrorSendsTheMessageBackForItsVisibilityTimeoutNotForAnImmediateRetry() throws Exception {
        AdviceWith.adviceWith(context, "relay-queue-1", route -> route.weaveById("post-to-target").before().process(exchange -> {
            if (exchange.getMessage().getBody(String.class).contains("\"transSeq\":\"1\"")) {
                attempts.add(System.nanoTime());
                receiveCounts.add(exchange.getProperty(SqsMessage.PROPERTY, SqsMessage.class).receiveCount());
                if (attempts.size() == 1) {
                    throw new OutOfMemoryError("simulated: Java heap space");
                }
            }
        }));
        context.start();
        sendToQueue("queue-1", "e", loadScriptMessage("e", 1, 200));
        sendToQueue("queue-1", "e", loadScriptMessage("e", 2, 200));

        await().atMost(30, SECONDS).until(() -> sequencesByGroup(target.received()).getOrDefault("e", List.of()).size() == 2);

        assertEquals(List.of(1, 2), sequencesByGroup(target.received()).get("e"));
        assertEquals(List.of(1, 2), receiveCounts, "the second attempt is a new receive from SQS");
        long gap = NANOSECONDS.toMillis(attempts.get(1) - attempts.get(0));
        assertTrue(gap >= (VISIBILITY_SECONDS - 0.5) * 1000, "tried again " + gap + " ms after the Error");
        await().atMost(10, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0);
        assertEquals(List.of(), failures("queue-1", "e"));
    }
}
