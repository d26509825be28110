package dev.sqsrouter.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.sqsrouter.config.S3EventsTopology;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues the configuration names that no route of this app consumes: the relay's queues and dead-letter queues
 * (relay.aliases) and the S3 event queues and theirs (s3events.queues). What arrives there would wait unseen, so
 * each is reported when the app has started and in the health answer, with the route file that would consume it
 * (typically a queue added to the configuration without its YAML route).
 */
public final class UnconsumedQueues implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(UnconsumedQueues.class);

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (context.getRoutes().isEmpty()) {
            // a command (provision) runs without routes: nothing is meant to be consumed
            return;
        }
        try {
            find(context).forEach(warning -> LOG.warn("{}", warning));
        } catch (RuntimeException e) {
            // a check that reports, never one that stops the app
            LOG.warn("could not check which configured queues are consumed: {}", e.toString());
        }
    }

    /** One sentence per configured queue that no route consumes; empty when every one is consumed. */
    public static List<String> find(CamelContext context) {
        Set<String> consumed = new HashSet<>();
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof Sqs2Endpoint endpoint) {
                consumed.add(endpoint.getConfiguration().getQueueName());
            }
        }
        PropertiesComponent properties = context.getPropertiesComponent();
        List<String> warnings = new ArrayList<>();
        // an alias may serve the ingress only (no dead-letter queue, no response server): read what is there
        for (String entry : properties.resolveProperty("relay.aliases").orElse("").split(",")) {
            String alias = entry.trim();
            Optional<String> queue = value(properties, "relay." + alias + ".queue");
            if (alias.isEmpty() || queue.isEmpty()) {
                continue;
            }
            if (!consumed.contains(queue.get())) {
                warnings.add(notConsumed(queue.get(), "relay alias " + alias, "relay-" + alias, "fifo-relay"));
            }
            value(properties, "relay." + alias + ".dead-letter-queue").filter(dlq -> !consumed.contains(dlq))
                    .ifPresent(dlq -> warnings.add(notDrained(dlq, "relay alias " + alias, alias)));
        }
        if (value(properties, "s3events.queues").isPresent()) {
            for (S3EventsTopology.Queue queue : S3EventsTopology.from(properties).queues()) {
                if (!consumed.contains(queue.queue())) {
                    warnings.add(notConsumed(queue.queue(), "S3 event queue " + queue.name(), "s3events-" + queue.name(),
                            "s3-event-queue"));
                }
                if (!consumed.contains(queue.deadLetterQueue())) {
                    warnings.add(notDrained(queue.deadLetterQueue(), "S3 event queue " + queue.name(), queue.name()));
                }
            }
        }
        return warnings;
    }

    private static String notConsumed(String queue, String what, String routeId, String template) {
        return "no route of this app consumes " + queue + " (" + what + "): unless something else does, what arrives"
                + " there waits unseen; add routes/" + routeId + ".yaml (a templatedRoute of " + template + ")";
    }

    private static String notDrained(String deadLetterQueue, String what, String name) {
        return "no route of this app drains " + deadLetterQueue + " (dead-letter queue of " + what
                + ") into the failure store; add routes/archive-" + name + ".yaml (a templatedRoute of dead-letter-archiver)";
    }

    private static Optional<String> value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }
}
