package dev.sqsrouter.failure;

import dev.sqsrouter.config.Topology;
import dev.sqsrouter.config.TopologyRoutes;

/**
 * One archiver per consumed queue of the topology (relayed and S3 event queues), instantiated from the
 * dead-letter-archiver template (routes/dead-letter-archiver.yaml): what SQS redrives is recorded in the failure store.
 * Each archiver runs where its queue's flow runs (relay.enabled, s3events.enabled).
 */
public class DeadLetterRoutes extends TopologyRoutes {

    public DeadLetterRoutes() {
        super("failures", "dead-letter-archiver", "routes/dead-letter-archiver.yaml");
    }

    @Override
    protected void instantiate(Topology topology) {
        for (Topology.DeadLettered queue : topology.deadLettered()) {
            if (enabled(getContext(), queue.flow())) {
                templatedRoute(template()).routeId(queue.archiveRouteId())
                        .parameter("sourceQueue", queue.queue())
                        .parameter("deadLetterQueue", queue.deadLetterQueue());
            }
        }
    }
}
