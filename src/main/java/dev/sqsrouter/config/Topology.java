package dev.sqsrouter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The queues this app serves, read once from configuration: one block per relay queue (relay.queues.&lt;alias&gt;.*)
 * and per S3 event queue (s3events.queues.&lt;name&gt;.*). The ingress aliases, the routes, provisioning, the admin
 * API and the deployment template are all derived from it.
 */
public record Topology(RelayTopology relay, Optional<S3EventsTopology> s3Events) {

    /** The registry name of the topology the running app read. */
    public static final String BEAN = "topology";

    public static Topology from(PropertiesComponent properties) {
        return new Topology(RelayTopology.from(properties), S3EventsTopology.declared(properties)
                ? Optional.of(S3EventsTopology.from(properties)) : Optional.empty());
    }

    /** The topology of a running app: read on first use, then the same for every part that asks. */
    public static Topology of(CamelContext context) {
        synchronized (context) {
            Topology topology = context.getRegistry().lookupByNameAndType(BEAN, Topology.class);
            if (topology == null) {
                topology = from(context.getPropertiesComponent());
                context.getRegistry().bind(BEAN, Topology.class, topology);
            }
            return topology;
        }
    }

    /** Ingress path to queue, for every relay queue (the ingress-only ones too). */
    public QueueAliases aliases() {
        return new QueueAliases(relay);
    }

    /** Every queue whose dead-letter queue the archiver drains: the relayed queues and the S3 event queues. */
    public List<DeadLettered> deadLettered() {
        List<DeadLettered> all = new ArrayList<>();
        relay.relayed().forEach(q -> all.add(new DeadLettered("relay", q.alias(), q.queue(), q.deadLetterQueue())));
        s3Events.ifPresent(s3 -> s3.queues().forEach(q -> all.add(new DeadLettered("s3events", q.name(), q.queue(), q.deadLetterQueue()))));
        return all;
    }

    /** A queue by its name in configuration (a relay alias or an S3 event queue's name), and its SQS queue. */
    public Optional<String> queueOf(String name) {
        return deadLetteredOrIngress().stream().filter(q -> q.name().equals(name)).map(DeadLettered::queue).findFirst();
    }

    private List<DeadLettered> deadLetteredOrIngress() {
        List<DeadLettered> all = new ArrayList<>();
        relay.queues().forEach(q -> all.add(new DeadLettered("relay", q.alias(), q.queue(), q.deadLetterQueue())));
        s3Events.ifPresent(s3 -> s3.queues().forEach(q -> all.add(new DeadLettered("s3events", q.name(), q.queue(), q.deadLetterQueue()))));
        return all;
    }

    /** The archiver route of a queue, by its name in configuration. */
    public static String archiveRouteId(String name) {
        return "archive-" + name;
    }

    /** A queue of a flow (relay, s3events): its name in configuration, the SQS queue, and the dead-letter queue SQS redrives it to. */
    public record DeadLettered(String flow, String name, String queue, String deadLetterQueue) {

        /** The route that drains its dead-letter queue, instantiated from the dead-letter-archiver template. */
        public String archiveRouteId() {
            return Topology.archiveRouteId(name);
        }
    }
}
