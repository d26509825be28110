package dev.sqsrouter.s3events;

import java.util.List;

import dev.sqsrouter.config.S3EventsTopology;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.config.TopologyRoutes;
import org.apache.camel.model.TemplatedRouteDefinition;

/** One route per S3 event queue of the topology, instantiated from the s3-event-queue template (routes/s3-event-queue.yaml). */
public class S3EventRoutes extends TopologyRoutes {

    public static final String FLOW = "s3events";

    public S3EventRoutes() {
        super(FLOW, "s3-event-queue", "routes/s3-event-queue.yaml");
    }

    @Override
    protected void instantiate(Topology topology) {
        for (S3EventsTopology.Queue queue : topology.s3Events().map(S3EventsTopology::queues).orElse(List.of())) {
            TemplatedRouteDefinition route = templatedRoute(template()).routeId(queue.routeId())
                    .parameter("queue", queue.queue())
                    .parameter("processor", queue.processor());
            // what the block sets itself (its own filter, tuning); the rest are the template's defaults (s3events.<setting>)
            queue.parameters().forEach(route::parameter);
        }
    }
}
