package dev.sqsrouter.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The relay's queues, one block of configuration each ({@code relay.queues.<alias>.*}): the alias is the ingress path
 * (POST /&lt;alias&gt;), and the block names the queue, its response server, its dead-letter queue and any setting
 * that differs from the relay's defaults ({@code relay.<setting>}).
 */
public record RelayTopology(List<Queue> queues, int maxReceiveCount, int visibilityTimeout, String failureTable,
        String failureBodiesBucket) {

    /** Where the blocks are. */
    public static final String PREFIX = "relay.queues";
    /** The flow's defaults: relay.pollers, relay.retry.delay-ms, ... */
    public static final String DEFAULTS = "relay";
    /** Settings a block may give itself, each defaulting to relay.&lt;setting&gt;; all but max-receive-count are route template parameters. */
    public static final List<String> TUNING = List.of("pollers", "max-groups-in-flight", "wait-time-seconds", "visibility-timeout",
            "failed-visibility-seconds", "retry.delay-ms", "retry.max-delay-ms", "retry.poison-attempts",
            "retry.max-hold-seconds", "breaker.threshold", "breaker.open-seconds", "http.connect-timeout-ms",
            "http.response-timeout-ms", "max-receive-count");
    /** Settings that provisioning reads, not the route. */
    static final Set<String> PROVISIONING_ONLY = Set.of("max-receive-count");
    /** The first path segments the admin API and the failures console take; no alias may have them. */
    static final Set<String> RESERVED_ALIASES = Set.of("admin", "console");

    /** Without a bucket for failure bodies too large for the table. */
    public RelayTopology(List<Queue> queues, int maxReceiveCount, int visibilityTimeout, String failureTable) {
        this(queues, maxReceiveCount, visibilityTimeout, failureTable, "");
    }

    /**
     * One relayed queue: its ingress alias, the queue, its dead-letter queue, its response server (null for a queue the
     * ingress sends to and something else consumes), its redrive count and visibility timeout, and the route template
     * parameters it sets itself (the rest are the relay's defaults).
     */
    public record Queue(String alias, String queue, String deadLetterQueue, String target, int maxReceiveCount,
                        int visibilityTimeout, Map<String, String> parameters) {

        /** A relayed queue with the relay's defaults. */
        public Queue(String alias, String queue, String deadLetterQueue, String target) {
            this(alias, queue, deadLetterQueue, target, 5, 60, Map.of());
        }

        /** The route that relays it, instantiated from the fifo-relay template. */
        public String routeId() {
            return "relay-" + alias;
        }

        /** False for an ingress-only queue: the app sends to it and does not consume it. */
        public boolean relayed() {
            return target != null;
        }
    }

    public static RelayTopology from(PropertiesComponent properties) {
        if (properties.resolveProperty("relay.aliases").isPresent()) {
            // the list of the former configuration: its queues would be silently ignored
            throw new IllegalArgumentException("relay.aliases is no longer read: declare each relay queue as one block,"
                    + " " + PREFIX + ".<alias>.queue, .url, .dead-letter-queue (see application.properties)");
        }
        if (properties.resolveProperty("relay.group-workers").isPresent()) {
            // the former thread pool's size: its groups would silently run under another cap
            throw new IllegalArgumentException("relay.group-workers is no longer read: groups run on virtual threads, up to"
                    + " relay.max-groups-in-flight per queue (default 500); set that instead");
        }
        Set<String> settings = new LinkedHashSet<>(List.of("queue", "url", "dead-letter-queue", "ingress-only"));
        settings.addAll(TUNING);
        QueueBlocks blocks = QueueBlocks.read(properties, PREFIX, settings);
        List<Queue> queues = new ArrayList<>();
        for (String alias : blocks.names()) {
            if (RESERVED_ALIASES.contains(alias) || !alias.matches("[A-Za-z0-9_~-]+")) {
                throw new IllegalArgumentException(PREFIX + "." + alias + ": '" + alias + "' cannot be an ingress path: use"
                        + " letters, digits and _ ~ - only, and not 'admin' or 'console' (the admin API's and the console's paths)");
            }
            String queue = blocks.required(alias, "queue", "the SQS queue that POST /" + alias + " sends to");
            boolean ingressOnly = Boolean.parseBoolean(blocks.own(alias, "ingress-only").orElse("false"));
            String target = ingressOnly ? null : blocks.required(alias, "url", "the response server the relay posts "
                    + alias + "'s messages to; or set " + blocks.key(alias, "ingress-only") + "=true for a queue that"
                    + " something else consumes");
            String deadLetterQueue = blocks.own(alias, "dead-letter-queue").filter(v -> !v.isEmpty())
                    .orElse(defaultDeadLetterQueue(queue));
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String setting : TUNING) {
                if (!PROVISIONING_ONLY.contains(setting)) {
                    blocks.own(alias, setting).ifPresent(v -> parameters.put(QueueBlocks.parameterName(setting), v));
                }
            }
            queues.add(new Queue(alias, queue, deadLetterQueue, target,
                    blocks.integer(alias, "max-receive-count", DEFAULTS, "5"),
                    blocks.integer(alias, "visibility-timeout", DEFAULTS, "60"), Map.copyOf(parameters)));
        }
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("no relay queue is declared: add a block " + PREFIX + ".<alias>.queue=...,"
                    + " " + PREFIX + ".<alias>.url=... (see application.properties)");
        }
        return new RelayTopology(List.copyOf(queues),
                Integer.parseInt(properties.resolveProperty("relay.max-receive-count").orElse("5").trim()),
                Integer.parseInt(properties.resolveProperty("relay.visibility-timeout").orElse("60").trim()),
                properties.resolveProperty("failures.table").map(String::trim).filter(v -> !v.isEmpty())
                        .orElseThrow(() -> new IllegalArgumentException("missing configuration: failures.table")),
                properties.resolveProperty("failures.large-body-bucket").map(String::trim).orElse(""));
    }

    /** queue-1.fifo has queue-1-dlq.fifo; a standard queue q has q-dlq. */
    static String defaultDeadLetterQueue(String queue) {
        return queue.endsWith(".fifo") ? queue.substring(0, queue.length() - 5) + "-dlq.fifo" : queue + "-dlq";
    }

    /** The queues the relay consumes (not the ingress-only ones). */
    public List<Queue> relayed() {
        return queues.stream().filter(Queue::relayed).toList();
    }
}
