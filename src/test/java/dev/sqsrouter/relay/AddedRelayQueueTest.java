package dev.sqsrouter.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.ingress.IngressTestSupport;
import dev.sqsrouter.provision.Provisioner;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A third relay queue is one block of configuration and nothing else: provisioning creates its queue and dead-letter
 * queue from the block, the ingress serves its alias, a route from the fifo-relay template relays it in order to its
 * own response server, with its own tuning, and an archiver drains its dead-letter queue.
 */
class AddedRelayQueueTest extends IngressTestSupport {

    private static final String ADDED = "queue-3";

    private SampleResponseServer ownTarget;

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        try {
            ownTarget = SampleResponseServer.start(0, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        // the whole declaration
        properties.setProperty("relay.queues." + ADDED + ".queue", queue(ADDED));
        properties.setProperty("relay.queues." + ADDED + ".dead-letter-queue", deadLetterQueue(ADDED));
        properties.setProperty("relay.queues." + ADDED + ".url", ownTarget.url());
        properties.setProperty("relay.queues." + ADDED + ".max-groups-in-flight", "3");
        properties.setProperty("relay.queues." + ADDED + ".max-receive-count", "7");
    }

    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        // as the provision command does: from the topology the configuration declares
        DefaultCamelContext configuration = new DefaultCamelContext();
        PropertiesComponent component = configuration.getPropertiesComponent();
        component.setLocation("classpath:application.properties");
        component.setOverrideProperties(properties);
        new Provisioner(sqs, dynamoDb, failureBodiesS3, null, false).provision(RelayTopology.from(component));
    }

    @AfterEach
    void stopOwnTarget() {
        ownTarget.close();
    }

    @Test
    void aDeclaredQueueIsProvisionedServedRelayedInOrderAndArchived() {
        List<Integer> sent = IntStream.rangeClosed(1, 12).boxed().toList();
        for (int seq : sent) {
            assertEquals(200, post(ADDED, "{\"MessageGroupID\":\"g3\",\"transSeq\":\"" + seq + "\",\"http_status\":200}")
                    .statusCode());
        }
        await().atMost(30, SECONDS).until(() -> ownTarget.received().size() >= sent.size());
        assertEquals(Map.of("g3", sent), sequencesByGroup(ownTarget.received()));
        assertEquals(List.of(), target.received(), "the other queues' response server got nothing");
        await().atMost(20, SECONDS).until(() -> messagesIn(queue(ADDED)) == 0);

        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("relay-" + ADDED));
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("archive-" + ADDED));
        String endpoint = context.getRoute("relay-" + ADDED).getEndpoint().getEndpointUri();
        assertEquals(true, endpoint.contains("maxGroupsInFlight=3"), "the block's own tuning: " + endpoint);
        assertEquals(true, context.getRoute("relay-queue-1").getEndpoint().getEndpointUri().contains("maxGroupsInFlight=500"),
                "the others keep the relay's default");
        // the redrive policy provisioning gave it comes from the block too
        String redrive = sqs.getQueueAttributes(b -> b.queueUrl(url(queue(ADDED)))
                .attributeNamesWithStrings("RedrivePolicy")).attributesAsStrings().get("RedrivePolicy");
        assertEquals(true, redrive.contains("\"maxReceiveCount\":7") || redrive.contains("\"maxReceiveCount\":\"7\""), redrive);
        assertEquals(true, redrive.contains(deadLetterQueue(ADDED)), redrive);
    }
}
