package dev.sqsrouter.observe;

import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.sqs.ConsumerStats;
import dev.sqsrouter.sqs.OrderedSqsEndpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's meters on the registry Camel's metrics use (tags {@code queue} = alias or S3 event queue name, {@code flow}):
 * the consumers' counters read where they are kept (no work added on the message path), the queue watch's last poll,
 * and the failure counters. See the README for the list.
 */
final class QueueMeters {

    private static final Logger LOG = LoggerFactory.getLogger(QueueMeters.class);

    private QueueMeters() {
    }

    static void register(MeterRegistry registry, CamelContext context, List<ObservedQueue> queues, QueueWatch watch,
            FailureMeters failures) {
        List<LatencyHistogramCollector.Source> latencies = new ArrayList<>();
        for (ObservedQueue queue : queues) {
            Tags tags = Tags.of("flow", queue.flow(), "queue", queue.name());
            ConsumerStats stats = stats(context, queue.routeId());
            if (stats != null) {
                consumer(registry, tags, stats);
                latencies.add(new LatencyHistogramCollector.Source(stats, queue.name(), queue.flow()));
            }
            for (String kind : List.of("visible", "in_flight", "delayed")) {
                depth(registry, tags, watch, queue.queue(), false, kind);
                depth(registry, tags, watch, queue.deadLetterQueue(), true, kind);
            }
            age(registry, tags, watch, queue.queue(), false);
            age(registry, tags, watch, queue.deadLetterQueue(), true);
            for (FailureClass failureClass : FailureClass.values()) {
                Gauge.builder("sqsrouter.failures.open", watch, w -> w.openFailures(queue.queue(), failureClass.name()))
                        .description("OPEN records in the failure store, polled (observe.queue-poll-seconds)")
                        .tags(tags).tag("class", failureClass.name()).register(registry);
            }
        }
        failures.register(registry, queues);
        for (String service : List.of("sqs", "dynamodb")) {
            Gauge.builder("sqsrouter.aws.reachable", watch, w -> reachable(service.equals("sqs") ? w.sqs() : w.dynamoDb()))
                    .description("1 when the service answered the last poll, 0 when it did not, NaN before the first")
                    .tag("service", service).register(registry);
        }
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            prometheus.getPrometheusRegistry().register(new LatencyHistogramCollector(latencies));
        } else {
            LOG.info("the metrics registry is a {}, not Prometheus's: {} is not exported",
                    registry.getClass().getSimpleName(), LatencyHistogramCollector.NAME);
        }
    }

    private static void consumer(MeterRegistry registry, Tags tags, ConsumerStats stats) {
        FunctionCounter.builder("sqsrouter.messages.received", stats, ConsumerStats::received).tags(tags)
                .description("Messages received from the queue").register(registry);
        FunctionCounter.builder("sqsrouter.messages.deleted", stats, ConsumerStats::deleted).tags(tags)
                .description("Messages done and deleted from the queue: relayed (processed), or parked in the failure store")
                .register(registry);
        FunctionCounter.builder("sqsrouter.messages.retried", stats, ConsumerStats::retried).tags(tags)
                .description("Failed attempts followed by a retry in place (the message held in flight)").register(registry);
        FunctionCounter.builder("sqsrouter.messages.returned", stats, ConsumerStats::kept).tags(tags).tag("reason", "failed")
                .description("Messages given back to SQS unacknowledged: failed and held too long or stopping (failed),"
                        + " or behind such a message in its group, untried (unprocessed)").register(registry);
        FunctionCounter.builder("sqsrouter.messages.returned", stats, ConsumerStats::released).tags(tags).tag("reason", "unprocessed")
                .register(registry);
        FunctionCounter.builder("sqsrouter.receives", stats, s -> s.receives() - s.emptyReceives()).tags(tags).tag("result", "messages")
                .description("ReceiveMessage calls (SQS bills each), by what they brought: messages, or none (empty)")
                .register(registry);
        FunctionCounter.builder("sqsrouter.receives", stats, ConsumerStats::emptyReceives).tags(tags).tag("result", "empty")
                .register(registry);
        FunctionCounter.builder("sqsrouter.acknowledge.errors", stats, ConsumerStats::acknowledgeErrors).tags(tags)
                .description("Deletes and visibility changes SQS refused or did not answer").register(registry);
        FunctionCounter.builder("sqsrouter.breaker.openings", stats, ConsumerStats::breakerOpenings).tags(tags)
                .description("Times the consumer's breaker opened").register(registry);
        Gauge.builder("sqsrouter.messages.in.flight", stats, ConsumerStats::inFlight).tags(tags)
                .description("Messages received and neither deleted nor given back yet").register(registry);
        Gauge.builder("sqsrouter.groups.in.flight", stats, ConsumerStats::groupsInFlight).tags(tags)
                .description("Message groups in flight (running, or held for a retry in place), capped by"
                        + " max-groups-in-flight; on a standard queue, messages").register(registry);
        Gauge.builder("sqsrouter.breaker.state", stats, s -> breakerState(s.breakerState())).tags(tags)
                .description("The consumer's breaker: 0 closed, 1 half-open, 2 open (not receiving)").register(registry);
    }

    private static void depth(MeterRegistry registry, Tags tags, QueueWatch watch, String queue, boolean deadLetter, String kind) {
        Gauge.builder("sqsrouter.queue.messages", watch, w -> w.depth(queue, kind)).tags(tags)
                .tags("sqs_queue", queue, "dead_letter", Boolean.toString(deadLetter), "kind", kind)
                .description("Approximate messages in the queue by kind (visible, in_flight, delayed), polled"
                        + " (observe.queue-poll-seconds); NaN when SQS did not answer")
                .register(registry);
    }

    private static void age(MeterRegistry registry, Tags tags, QueueWatch watch, String queue, boolean deadLetter) {
        Gauge.builder("sqsrouter.queue.oldest.message.age", watch, w -> w.oldestAgeSeconds(queue)).tags(tags)
                .tags("sqs_queue", queue, "dead_letter", Boolean.toString(deadLetter)).baseUnit("seconds")
                .description("Age (since sent) of the oldest message this instance holds in flight from the queue, polled;"
                        + " 0 when none; a backlog not yet received shows in sqsrouter_queue_messages")
                .register(registry);
    }

    static double breakerState(String state) {
        return switch (state) {
            case "OPEN" -> 2;
            case "HALF_OPEN" -> 1;
            default -> 0;
        };
    }

    private static double reachable(java.util.Optional<QueueWatch.Reach> reach) {
        return reach.map(r -> r.reachable() ? 1.0 : 0.0).orElse(Double.NaN);
    }

    /** The counters of the ordered consumer of a route, or null when the route does not run here. */
    static ConsumerStats stats(CamelContext context, String routeId) {
        Route route = context.getRoute(routeId);
        return route != null && route.getEndpoint() instanceof OrderedSqsEndpoint endpoint ? endpoint.getStats() : null;
    }
}
