package dev.sqsrouter.observe;

import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.config.Topology;
import dev.sqsrouter.config.TopologyRoutes;
import org.apache.camel.CamelContext;

/**
 * A queue this instance consumes, as the metrics and the readiness check name it: its name in configuration (a relay
 * alias or an S3 event queue's name), its flow (relay, s3events), the SQS queue, its dead-letter queue, the route that
 * consumes it and the route that drains its dead-letter queue.
 */
public record ObservedQueue(String name, String flow, String queue, String deadLetterQueue, String routeId,
        String archiveRouteId) {

    /** The queues whose consumers run on this instance (their flow is enabled here), in the order of the configuration. */
    public static List<ObservedQueue> of(CamelContext context) {
        Topology topology = Topology.of(context);
        List<ObservedQueue> queues = new ArrayList<>();
        if (TopologyRoutes.enabled(context, "relay")) {
            topology.relay().relayed().forEach(q -> queues.add(new ObservedQueue(q.alias(), "relay", q.queue(),
                    q.deadLetterQueue(), q.routeId(), Topology.archiveRouteId(q.alias()))));
        }
        if (TopologyRoutes.enabled(context, "s3events")) {
            topology.s3Events().ifPresent(s3 -> s3.queues().forEach(q -> queues.add(new ObservedQueue(q.name(), "s3events",
                    q.queue(), q.deadLetterQueue(), q.routeId(), Topology.archiveRouteId(q.name())))));
        }
        return queues;
    }
}
