package dev.sqsrouter.relay;

import dev.sqsrouter.sqs.OrderedSqsEndpoint;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.sqsrouter.Application;
import dev.sqsrouter.sandbox.Emulators;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

/** Two app instances consume the same FIFO queue: every group still arrives in exact order, nothing twice. */
class TwoInstancesTest extends RelayTestSupport {

    @Test
    void twoInstancesOnOneQueueKeepEveryGroupInOrder() throws Exception {
        Main second = Application.newMain();
        second.setDefaultPropertyPlaceholderLocation("classpath:application.properties");
        camelContextConfiguration().useOverridePropertiesWithPropertiesComponent()
                .forEach((k, v) -> second.addOverrideProperty(k.toString(), v.toString()));
        second.addOverrideProperty("camel.server.port", Integer.toString(Emulators.freePort()));
        second.start();
        try {
            await().atMost(30, SECONDS).until(() -> second.getCamelContext() != null
                    && second.getCamelContext().getRoute("relay-queue-1") != null
                    && second.getCamelContext().getRouteController().getRouteStatus("relay-queue-1").isStarted());

            int groups = 20;
            int perGroup = 15;
            Map<String, List<Integer>> expected = sendInterleaved("queue-1", groups, perGroup);
            await().atMost(90, SECONDS).until(() -> messagesIn(queue("queue-1")) == 0
                    && target.received().size() >= groups * perGroup);
            assertEquals(expected, sequencesByGroup(target.received()));

            OrderedSqsEndpoint secondEndpoint = second.getCamelContext().getEndpoints().stream()
                    .filter(e -> e instanceof OrderedSqsEndpoint o && o.getConfiguration().getQueueName().equals(queue("queue-1")))
                    .map(OrderedSqsEndpoint.class::cast).findFirst().orElseThrow();
            long firstDeleted = stats(queue("queue-1")).deleted();
            long secondDeleted = secondEndpoint.getStats().deleted();
            assertEquals(groups * perGroup, firstDeleted + secondDeleted);
            assertTrue(firstDeleted > 0 && secondDeleted > 0,
                    "both instances consumed: " + firstDeleted + " and " + secondDeleted);
        } finally {
            second.stop();
        }
    }
}
