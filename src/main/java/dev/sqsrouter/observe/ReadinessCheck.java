package dev.sqsrouter.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sqsrouter.sqs.ConsumerStats;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness (not liveness): the consumers of this instance run (their routes and their dead-letter archivers are
 * started) and AWS answered the last queue watch (SQS, the failure store's DynamoDB, and S3 for the S3 event flow's
 * buckets), which is recent. The alert topic (SNS) is named when it does not answer, without making the app unready. It reads what
 * the queue watch polled at its interval: a probe never calls AWS. An open breaker (a response server down) is reported
 * in the details and changes nothing: the app is up, and the ingress must stay in the load balancer.
 */
public class ReadinessCheck extends AbstractHealthCheck {

    private final QueueWatch watch;
    private final Duration maxPollAge;
    private final Clock clock;
    private volatile List<ObservedQueue> queues;

    public ReadinessCheck(QueueWatch watch, Duration maxPollAge, Clock clock) {
        super("sqs-router", "sqs-router-consumers-and-aws");
        this.watch = watch;
        this.maxPollAge = maxPollAge;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext context = getCamelContext();
        if (queues == null) {
            queues = ObservedQueue.of(context);
        }
        builder.up();
        StringBuilder problems = new StringBuilder();
        List<String> openBreakers = new java.util.ArrayList<>();
        for (ObservedQueue queue : queues) {
            for (String routeId : List.of(queue.routeId(), queue.archiveRouteId())) {
                ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
                builder.detail("route." + routeId, status == null ? "Absent" : status.name());
                if (status != ServiceStatus.Started) {
                    problems.append("route ").append(routeId).append(" is ").append(status == null ? "absent" : status.name()).append("; ");
                }
            }
            ConsumerStats stats = QueueMeters.stats(context, queue.routeId());
            if (stats != null) {
                builder.detail("breaker." + queue.name(), stats.breakerState());
                if (!"CLOSED".equals(stats.breakerState())) {
                    openBreakers.add(queue.name() + " " + stats.breakerState());
                }
            }
        }
        if (queues.isEmpty()) {
            // no consumer here (relay.enabled=false, s3events.enabled=false): the routes alone, Camel's own checks
            builder.detail("consumers", "none on this instance");
            return;
        }
        builder.details(watch.details());
        Instant now = clock.instant();
        Optional<Instant> lastPoll = watch.lastPoll();
        List<String> notNeeded = new java.util.ArrayList<>();
        if (lastPoll.isEmpty()) {
            problems.append("SQS and DynamoDB not polled yet; ");
        } else {
            if (Duration.between(lastPoll.get(), now).compareTo(maxPollAge) > 0) {
                problems.append("the last poll of SQS and DynamoDB is older than ").append(maxPollAge.toSeconds()).append(" s; ");
            }
            // what the last poll found, even when it is old: a poll against services that do not answer is slow
            watch.sqs().filter(r -> !r.reachable()).ifPresent(r -> problems.append("SQS did not answer: ").append(r.problem()).append("; "));
            watch.dynamoDb().filter(r -> !r.reachable()).ifPresent(r -> problems.append("DynamoDB did not answer: ").append(r.problem()).append("; "));
            for (ServiceProbe probe : watch.probes()) {
                watch.service(probe.service()).filter(r -> !r.reachable()).ifPresent(r -> {
                    String line = probe.service() + " did not answer: " + r.problem();
                    if (probe.ready() && problems.indexOf(line) < 0) {
                        problems.append(line).append("; ");
                    } else if (!probe.ready() && !notNeeded.contains(line)) {
                        notNeeded.add(line);
                    }
                });
            }
        }
        String breakers = (openBreakers.isEmpty() ? "" : "; breakers not closed (what they call fails, the app is up): "
                + String.join(", ", openBreakers))
                + (notNeeded.isEmpty() ? "" : "; not needed to be ready: " + String.join("; ", notNeeded));
        if (!problems.isEmpty()) {
            builder.message(problems.substring(0, problems.length() - 2) + breakers);
            builder.down();
        } else {
            builder.message(queues.size() + " queues consumed, SQS and DynamoDB answered at " + lastPoll.get() + breakers);
        }
    }
}
