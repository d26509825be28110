package dev.sqsrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

/** The topology read from the shipped configuration plus a test's properties: blocks, defaults, overrides, mistakes. */
class TopologyTest {

    private static PropertiesComponent properties(String... keyValues) {
        Properties overrides = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.setProperty(keyValues[i], keyValues[i + 1]);
        }
        PropertiesComponent properties = new DefaultCamelContext().getPropertiesComponent();
        properties.setLocation("classpath:application.properties");
        properties.setOverrideProperties(overrides);
        return properties;
    }

    @Test
    void theShippedConfigurationDeclaresTwoRelayQueuesAndTwoS3EventQueues() {
        Topology topology = Topology.from(properties());
        assertEquals(List.of("queue-1 -> queue-1.fifo (queue-1-dlq.fifo) -> http://127.0.0.1:8000/",
                        "queue-2 -> queue-2.fifo (queue-2-dlq.fifo) -> http://127.0.0.1:8000/"),
                topology.relay().queues().stream().map(q -> q.alias() + " -> " + q.queue() + " (" + q.deadLetterQueue()
                        + ") -> " + q.target()).toList());
        assertEquals(List.of("image-thumbnails:thumbnail", "image-audit:audit"),
                topology.s3Events().orElseThrow().queues().stream().map(q -> q.name() + ":" + q.processor()).toList());
        assertEquals(Map.of("queue-1", "queue-1.fifo", "queue-2", "queue-2.fifo"), topology.aliases().queues());
        // blocks come in the order of the file, relay queues first
        assertEquals(List.of("archive-queue-1", "archive-queue-2", "archive-image-thumbnails", "archive-image-audit"),
                topology.deadLettered().stream().map(Topology.DeadLettered::archiveRouteId).toList());
    }

    @Test
    void aBlockTakesTheFlowsDefaultsAndOverridesOnlyWhatItNames() {
        Topology topology = Topology.from(properties(
                "relay.queues.orders.queue", "orders.fifo",
                "relay.queues.orders.url", "http://orders.internal/",
                "relay.queues.orders.max-groups-in-flight", "4",
                "relay.queues.orders.retry.delay-ms", "50",
                "relay.queues.orders.visibility-timeout", "90",
                "relay.queues.orders.max-receive-count", "8"));
        RelayTopology.Queue orders = topology.relay().queues().stream().filter(q -> q.alias().equals("orders")).findFirst()
                .orElseThrow();
        assertEquals("orders-dlq.fifo", orders.deadLetterQueue(), "a FIFO queue's default dead-letter queue");
        assertEquals(Map.of("maxGroupsInFlight", "4", "retryDelayMs", "50", "visibilityTimeout", "90"), orders.parameters());
        assertEquals(8, orders.maxReceiveCount());
        assertEquals(90, orders.visibilityTimeout());
        RelayTopology.Queue plain = Topology.from(properties("relay.queues.payments.queue", "payments.fifo",
                "relay.queues.payments.url", "http://payments.internal/")).relay().queues().get(0);
        assertEquals(Map.of(), plain.parameters());
        assertEquals(5, plain.maxReceiveCount(), "relay.max-receive-count");
        assertEquals(60, plain.visibilityTimeout(), "relay.visibility-timeout");
    }

    @Test
    void aDeploymentThatDeclaresAQueueOfItsOwnReplacesTheSampleWhole() {
        Topology own = Topology.from(properties("relay.queues.orders.queue", "orders.fifo",
                "relay.queues.orders.url", "http://orders.internal/"));
        assertEquals(Map.of("orders", "orders.fifo"), own.aliases().queues(), "no sample relay queue");
        assertTrue(own.s3Events().isEmpty(), "no sample S3 event queue, bucket or topic");

        // naming only the sample's blocks adjusts the sample
        Topology adjusted = Topology.from(properties("relay.queues.queue-1.url", "http://elsewhere/"));
        assertEquals(Map.of("queue-1", "queue-1.fifo", "queue-2", "queue-2.fifo"), adjusted.aliases().queues());
        assertEquals("images", adjusted.s3Events().orElseThrow().bucket());

        // a sample block the deployer names is kept, with the sample's other settings
        Topology kept = Topology.from(properties("relay.queues.orders.queue", "orders.fifo",
                "relay.queues.orders.url", "http://orders.internal/", "relay.queues.queue-2.url", "http://two/"));
        assertEquals(Map.of("orders", "orders.fifo", "queue-2", "queue-2.fifo"), kept.aliases().queues());

        // an S3 event queue of the deployer's own needs the deployer's bucket and topic: the sample's do not hold
        IllegalArgumentException noBucket = assertThrows(IllegalArgumentException.class, () -> Topology.from(properties(
                "relay.queues.orders.queue", "orders.fifo", "relay.queues.orders.url", "http://orders.internal/",
                "s3events.queues.invoices.processor", "audit")));
        assertTrue(noBucket.getMessage().startsWith("missing configuration: s3events.bucket")
                && noBucket.getMessage().contains("the packaged sample's value does not hold"), noBucket.getMessage());
        Topology invoices = Topology.from(properties("relay.queues.orders.queue", "orders.fifo",
                "relay.queues.orders.url", "http://orders.internal/", "s3events.queues.invoices.processor", "audit",
                "s3events.bucket", "invoices", "s3events.topic", "invoice-added"));
        assertEquals(List.of("invoices"), invoices.s3Events().orElseThrow().queues().stream().map(q -> q.name()).toList());
        assertEquals("invoice-added", invoices.s3Events().orElseThrow().topic());
    }

    @Test
    void anIngressOnlyQueueIsServedButNotRelayedNorArchived() {
        Topology topology = Topology.from(properties("relay.queues.inbox.queue", "inbox", "relay.queues.inbox.ingress-only", "true"));
        RelayTopology.Queue inbox = topology.relay().queues().stream().filter(q -> q.alias().equals("inbox")).findFirst()
                .orElseThrow();
        assertFalse(inbox.relayed());
        assertNull(inbox.target());
        assertEquals("inbox", topology.aliases().queueOf("inbox").orElseThrow());
        assertFalse(topology.relay().relayed().contains(inbox));
        assertFalse(topology.deadLettered().stream().anyMatch(q -> q.name().equals("inbox")));
    }

    @Test
    void mistakesFailWithWhatToFix() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> Topology.from(properties("relay.queues.queue-1.grup-workers", "4")));
        assertTrue(typo.getMessage().startsWith("relay.queues.queue-1.grup-workers: 'grup-workers' is not a setting"),
                typo.getMessage());

        IllegalArgumentException formerList = assertThrows(IllegalArgumentException.class,
                () -> Topology.from(properties("relay.aliases", "queue-1,queue-2")));
        assertTrue(formerList.getMessage().startsWith("relay.aliases is no longer read"), formerList.getMessage());
        IllegalArgumentException formerS3List = assertThrows(IllegalArgumentException.class,
                () -> Topology.from(properties("s3events.queues", "image-audit")));
        assertTrue(formerS3List.getMessage().startsWith("s3events.queues is no longer a list"), formerS3List.getMessage());

        IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class,
                () -> Topology.from(properties("relay.queues.orders.queue", "orders.fifo")));
        assertTrue(noUrl.getMessage().contains("missing configuration: relay.queues.orders.url"), noUrl.getMessage());
        assertTrue(noUrl.getMessage().contains("RELAY_QUEUES_ORDERS_URL"), noUrl.getMessage());

        for (String path : List.of("admin", "console")) {
            IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () -> Topology.from(
                    properties("relay.queues." + path + ".queue", "a.fifo", "relay.queues." + path + ".url", "http://x/")));
            assertTrue(reserved.getMessage().contains("cannot be an ingress path"), reserved.getMessage());
        }

        IllegalArgumentException noProcessor = assertThrows(IllegalArgumentException.class,
                () -> Topology.from(properties("s3events.queues.image-index.queue", "image-index",
                        "s3events.bucket", "images", "s3events.topic", "imageAdded", "relay.queues.queue-1.url", "http://127.0.0.1:8000/")));
        assertTrue(noProcessor.getMessage().contains("missing configuration: s3events.queues.image-index.processor"),
                noProcessor.getMessage());
    }

    @Test
    void everyQueueSettingOfARouteIsADeclaredParameterOfItsTemplate() throws Exception {
        // a block's setting reaches its route as the template parameter of the same name; a setting the template
        // does not declare would be dropped silently
        assertDeclared(Path.of("src/main/resources/routes/fifo-relay.yaml"), RelayTopology.TUNING);
        assertDeclared(Path.of("src/main/resources/routes/s3-event-queue.yaml"), S3EventsTopology.TUNING);
    }

    private static void assertDeclared(Path template, List<String> settings) throws Exception {
        String yaml = Files.readString(template);
        for (String setting : settings) {
            if (setting.equals("max-receive-count")) {
                continue; // provisioning's, not the route's
            }
            String parameter = QueueBlocks.parameterName(setting);
            assertTrue(yaml.contains("- name: " + parameter + "\n"), template + " declares no parameter " + parameter
                    + " for the setting " + setting);
        }
    }
}
