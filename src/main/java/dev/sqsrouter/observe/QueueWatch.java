package dev.sqsrouter.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.sqsrouter.sqs.ConsumerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the queue-watch route reads at an interval, never per scrape or per probe: the approximate depth of every queue
 * this instance consumes and of its dead-letter queue (GetQueueAttributes), the age of the oldest message its consumers
 * hold in flight, and the open failures of the failure store; whether SQS and DynamoDB answered. The metrics and the
 * readiness check read the last result.
 * <p>
 * GetQueueAttributes through the SDK: aws2-sqs has no operation for it. Every SQS call ends within the call timeout, so
 * a hanging endpoint makes a poll fail, not hang; the failure store's count is one Query of its open counters (a few
 * items, whatever the store holds), bound by the app's AWS timeouts (aws.api-call-timeout-seconds).
 * <p>
 * SQS gives no age of the oldest message (CloudWatch's ApproximateAgeOfOldestMessage is a metric, not an attribute, and
 * receiving to peek would count a receive against the redrive policy): the age measured here is that of the oldest
 * message this instance holds in flight, from its SentTimestamp; a backlog not yet received shows in the depth.
 */
public class QueueWatch {

    private static final Logger LOG = LoggerFactory.getLogger(QueueWatch.class);

    /** The depth of one queue: visible, in flight (received, not deleted) and delayed messages. */
    public record Depth(long visible, long inFlight, long delayed) {
    }

    /** Whether a service answered the last poll, when, and what went wrong if it did not. */
    public record Reach(boolean reachable, Instant at, String problem) {
    }

    private final SqsClient sqs;
    private final OpenFailureCounts failures;
    private final Duration callTimeout;
    private final Clock clock;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, Depth> depths = new ConcurrentHashMap<>();
    private final Map<String, Double> oldestAges = new ConcurrentHashMap<>();
    private volatile Map<String, Map<String, Long>> openFailures;
    private volatile Reach sqsReach;
    private volatile Reach dynamoDbReach;
    /** S3 and SNS (what {@link ServiceProbe}s ask), by service. */
    private final Map<String, Reach> serviceReach = new ConcurrentHashMap<>();
    private volatile List<ServiceProbe> probes = List.of();
    private volatile Instant lastPoll;

    public QueueWatch(SqsClient sqs, OpenFailureCounts failures, Duration callTimeout, Clock clock) {
        this.sqs = sqs;
        this.failures = failures;
        this.callTimeout = callTimeout;
        this.clock = clock;
    }

    /**
     * One poll: the queues (and dead-letter queues) given, the in-flight ages from their consumers' counters (by route
     * id, null when the route does not run here), the failure store. Never throws.
     */
    public void poll(List<ObservedQueue> queues, Function<String, ConsumerStats> statsByRoute) {
        Instant now = clock.instant();
        String sqsProblem = null;
        for (ObservedQueue queue : queues) {
            for (String name : List.of(queue.queue(), queue.deadLetterQueue())) {
                try {
                    depths.put(name, depth(name));
                } catch (SdkException e) {
                    depths.remove(name);
                    sqsProblem = name + ": " + e.getMessage();
                    LOG.debug("queue watch: no depth of {}", name, e);
                }
            }
            oldestAges.put(queue.queue(), ageSeconds(statsByRoute.apply(queue.routeId()), now));
            oldestAges.put(queue.deadLetterQueue(), ageSeconds(statsByRoute.apply(queue.archiveRouteId()), now));
        }
        sqsReach = new Reach(sqsProblem == null, now, sqsProblem);
        try {
            openFailures = failures.openCounts();
            dynamoDbReach = new Reach(true, now, null);
        } catch (RuntimeException e) {
            openFailures = null;
            dynamoDbReach = new Reach(false, now, String.valueOf(e.getMessage()));
            LOG.debug("queue watch: failure store not reachable", e);
        }
        Map<String, String> problems = new LinkedHashMap<>();
        for (ServiceProbe probe : probes) {
            try {
                probe.call().run();
                problems.putIfAbsent(probe.service(), null);
            } catch (RuntimeException e) {
                problems.merge(probe.service(), probe.resource() + ": " + e.getMessage(), (a, b) -> a == null ? b : a + "; " + b);
                LOG.debug("queue watch: {} did not answer for {}", probe.service(), probe.resource(), e);
            }
        }
        problems.forEach((service, problem) -> {
            Reach before = serviceReach.put(service, new Reach(problem == null, now, problem));
            // logged when it changes, not at every poll
            if (problem != null && (before == null || before.reachable())) {
                LOG.warn("queue watch: {} did not answer ({})", service, problem);
            } else if (problem == null && before != null && !before.reachable()) {
                LOG.info("queue watch: {} answers again", service);
            }
        });
        if (sqsProblem != null || !dynamoDbReach.reachable()) {
            LOG.warn("queue watch: {}{}", sqsProblem == null ? "" : "SQS did not answer (" + sqsProblem + ") ",
                    dynamoDbReach.reachable() ? "" : "the failure store did not answer (" + dynamoDbReach.problem() + ")");
        }
        lastPoll = now;
    }

    /** What the polls ask besides the queues and the failure store (see {@link ServiceProbe#of}). */
    public void probe(List<ServiceProbe> probes) {
        this.probes = List.copyOf(probes);
    }

    /** The probes asked at each poll. */
    public List<ServiceProbe> probes() {
        return probes;
    }

    /** Whether a probed service (S3, SNS) answered the last poll; empty when it is not asked on this instance. */
    public Optional<Reach> service(String service) {
        return Optional.ofNullable(serviceReach.get(service));
    }

    private Depth depth(String queueName) {
        String url = urls.computeIfAbsent(queueName, name -> sqs.getQueueUrl(b -> b.queueName(name)
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout))).queueUrl());
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout))).attributes();
        return new Depth(number(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                number(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                number(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static long number(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String value = attributes.get(name);
        return value == null ? 0 : Long.parseLong(value.trim());
    }

    private static double ageSeconds(ConsumerStats stats, Instant now) {
        if (stats == null) {
            return Double.NaN;
        }
        Instant oldest = stats.oldestInFlightSentAt();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
    }

    /** The depth of one kind (visible, in_flight, delayed) at the last poll, NaN when unknown. */
    public double depth(String queueName, String kind) {
        Depth depth = depths.get(queueName);
        if (depth == null) {
            return Double.NaN;
        }
        return switch (kind) {
            case "visible" -> depth.visible();
            case "in_flight" -> depth.inFlight();
            case "delayed" -> depth.delayed();
            default -> throw new IllegalArgumentException("no depth of kind " + kind);
        };
    }

    /** Seconds since SQS received the oldest message this instance held in flight at the last poll; 0 none, NaN unknown. */
    public double oldestAgeSeconds(String queueName) {
        return oldestAges.getOrDefault(queueName, Double.NaN);
    }

    /** The open failures of a queue and class at the last poll; NaN when unknown. */
    public double openFailures(String queueName, String failureClass) {
        Map<String, Map<String, Long>> counts = openFailures;
        if (counts == null) {
            return Double.NaN;
        }
        return counts.getOrDefault(queueName, Map.of()).getOrDefault(failureClass, 0L);
    }

    public Optional<Reach> sqs() {
        return Optional.ofNullable(sqsReach);
    }

    public Optional<Reach> dynamoDb() {
        return Optional.ofNullable(dynamoDbReach);
    }

    /** When the last poll ended, empty before the first. */
    public Optional<Instant> lastPoll() {
        return Optional.ofNullable(lastPoll);
    }

    /** The last poll's results, for the readiness check's details. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("lastPoll", lastPoll == null ? "never" : lastPoll.toString());
        sqs().ifPresent(r -> details.put("sqs", r.reachable() ? "reachable" : "unreachable: " + r.problem()));
        dynamoDb().ifPresent(r -> details.put("dynamodb", r.reachable() ? "reachable" : "unreachable: " + r.problem()));
        serviceReach.forEach((service, r) -> details.put(service.toLowerCase(java.util.Locale.ROOT),
                r.reachable() ? "reachable" : "unreachable: " + r.problem()));
        return details;
    }
}
