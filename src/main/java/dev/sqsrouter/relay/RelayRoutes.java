package dev.sqsrouter.relay;

import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.Topology;
import dev.sqsrouter.config.TopologyRoutes;
import org.apache.camel.model.TemplatedRouteDefinition;

/** One route per relayed queue of the topology, instantiated from the fifo-relay template (routes/fifo-relay.yaml). */
public class RelayRoutes extends TopologyRoutes {

    public static final String FLOW = "relay";

    public RelayRoutes() {
        super(FLOW, "fifo-relay", "routes/fifo-relay.yaml");
    }

    @Override
    protected void instantiate(Topology topology) {
        for (RelayTopology.Queue queue : topology.relay().relayed()) {
            TemplatedRouteDefinition route = templatedRoute(template()).routeId(queue.routeId())
                    .parameter("queue", queue.queue())
                    .parameter("target", queue.target());
            // what the block sets itself; the rest are the template's defaults (relay.<setting>)
            queue.parameters().forEach(route::parameter);
        }
    }
}
