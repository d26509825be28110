package dev.sqsrouter.relay;

import dev.sqsrouter.config.RelayTopology;
import dev.sqsrouter.config.Topology;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.http.HttpComponent;

/** The beans the relay route template names, and the response servers' connection pool sized from its caps. */
public class RelayBeans implements CamelConfiguration {

    /** The template parameter a queue block's own max-groups-in-flight becomes. */
    static final String CAP_PARAMETER = "maxGroupsInFlight";

    @PropertyInject(value = "relay.enabled", defaultValue = "true")
    private boolean enabled;
    @PropertyInject(value = "relay.max-groups-in-flight", defaultValue = "500")
    private int maxGroupsInFlight;
    @PropertyInject(value = "s3events.enabled", defaultValue = "true")
    private boolean s3EventsEnabled;
    @PropertyInject(value = "s3events.workers", defaultValue = "20")
    private int s3EventsWorkers;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        // every group in flight may hold one call: a smaller pool would queue calls behind it, unseen
        int connections = 0;
        if (enabled) {
            for (RelayTopology.Queue queue : Topology.of(camelContext).relay().relayed()) {
                connections += Integer.parseInt(queue.parameters().getOrDefault(CAP_PARAMETER, String.valueOf(maxGroupsInFlight)));
            }
        }
        if (s3EventsEnabled) {
            // the audit processor's calls share the pool
            connections += s3EventsWorkers;
        }
        if (connections == 0) {
            return;
        }
        HttpComponent http = camelContext.getComponent("http", HttpComponent.class);
        // queues may share one response server: each route may use the whole pool
        http.setMaxTotalConnections(Math.max(http.getMaxTotalConnections(), connections));
        http.setConnectionsPerRoute(Math.max(http.getConnectionsPerRoute(), connections));
    }

    @BindToRegistry("relayContract")
    public RelayContract relayContract() {
        return new RelayContract();
    }
}
