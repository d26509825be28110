package dev.sqsrouter.s3events;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;

import dev.sqsrouter.provision.Provisioner;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A queue with an existing processor is one block of configuration: no route file, no code. */
class S3EventQueueFromConfigurationTest extends S3EventsTestSupport {

    private static final String INDEX = "image-index";

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        // the whole declaration: its queue, its processor, and a filter of its own (every ObjectCreated event, any suffix)
        properties.setProperty("s3events.queues." + INDEX + ".queue", s3Queue(INDEX));
        properties.setProperty("s3events.queues." + INDEX + ".processor", "audit");
        properties.setProperty("s3events.queues." + INDEX + ".dead-letter-queue", s3Queue(INDEX) + "-dlq");
        properties.setProperty("s3events.queues." + INDEX + ".events", "ObjectCreated:*");
        properties.setProperty("s3events.queues." + INDEX + ".suffixes", "");
    }

    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        Provisioner provisioner = new Provisioner(sqs, dynamoDb);
        provisioner.queue(s3Queue(INDEX), provisioner.withDeadLetterQueue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "20"),
                s3Queue(INDEX) + "-dlq", 5));
    }

    @Test
    void addedQueueRunsItsProcessorWithItsOwnFilter() {
        // a copy of a text file: outside the default filter, inside the added queue's
        String event = S3EventFixtures.snsNotification(S3EventFixtures.s3Event(BUCKET, "docs/read me.txt", "ObjectCreated:Copy", 42));
        sendEvent(INDEX, event);
        sendEvent(AUDIT, event);

        await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(INDEX)) == 0 && messagesIn(s3Queue(AUDIT)) == 0);
        assertEquals(1, target.received().size(), () -> "posted: " + target.received());
        assertTrue(target.received().get(0).contains("\"key\":\"docs/read me.txt\""), target.received().get(0));
        assertTrue(target.received().get(0).contains("\"eventName\":\"ObjectCreated:Copy\""), target.received().get(0));
        // its routes come from the templates: the queue's, and the archiver of its dead-letter queue
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("s3events-" + INDEX));
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("archive-" + INDEX));
        assertTrue(context.getRoute("archive-" + INDEX).getEndpoint().getEndpointUri().contains(s3Queue(INDEX) + "-dlq"),
                context.getRoute("archive-" + INDEX).getEndpoint().getEndpointUri());
    }
}
