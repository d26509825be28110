package dev.sqsrouter.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.spi.PropertiesComponent;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The S3 events fan-out as configuration names it (s3events.*): a bucket notifies a topic of the configured object
 * events whose keys match the prefix and one of the suffixes; every configured queue is subscribed to the topic.
 * The topic accepts publications from that bucket only, each queue from that topic only. Each queue has a standard
 * dead-letter queue that SQS moves a message to after maxReceiveCount deliveries (an archiver route drains it into
 * the failure store). visibilityTimeout is the queues' (seconds; -1 leaves it as it is).
 */
public record S3EventsTopology(String bucket, String topic, List<String> events, String prefix, List<String> suffixes,
                               List<Queue> queues, Set<String> outputBuckets, int visibilityTimeout, int maxReceiveCount) {

    /** Processor whose output goes to a bucket that provisioning must create too. */
    static final String THUMBNAIL_PROCESSOR = "thumbnail";
    /** Ids of the notification configurations this app owns start with this, so that others are left alone. */
    static final String CONFIGURATION_ID_PREFIX = "sqs-router-";

    /** maxReceiveCount of the redrive policies unless configured (s3events.max-receive-count). */
    static final int DEFAULT_MAX_RECEIVE_COUNT = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the blocks are: s3events.queues.&lt;name&gt;.* */
    public static final String PREFIX = "s3events.queues";
    /** The flow's defaults: s3events.pollers, s3events.retry.delay-ms, ... */
    public static final String DEFAULTS = "s3events";
    /** Settings a block may give itself, each defaulting to s3events.&lt;setting&gt;; all but max-receive-count are route template parameters. */
    public static final List<String> TUNING = List.of("events", "prefix", "suffixes", "pollers", "workers",
            "wait-time-seconds", "visibility-timeout", "failed-visibility-seconds", "retry.delay-ms", "retry.max-delay-ms",
            "retry.poison-attempts", "retry.max-hold-seconds", "breaker.threshold", "breaker.open-seconds",
            "max-receive-count");

    /**
     * One subscribed queue: its name in configuration (the block s3events.queues.&lt;name&gt;), its SQS queue, its
     * dead-letter queue, its processor, its redrive count and visibility timeout (-1: the topology's), and the route
     * template parameters it sets itself (its own filter, tuning; the rest are the flow's defaults).
     */
    public record Queue(String name, String queue, String deadLetterQueue, String processor, int maxReceiveCount,
                        int visibilityTimeout, Map<String, String> parameters) {

        /** The route that consumes it, instantiated from the s3-event-queue template. */
        public String routeId() {
            return "s3events-" + name;
        }

        /** A queue with the flow's defaults and no processor (provisioning only). */
        public Queue(String name, String queue, String deadLetterQueue) {
            this(name, queue, deadLetterQueue, null, -1, -1, Map.of());
        }

        /** The dead-letter queue named after the queue: &lt;queue&gt;-dlq. */
        public Queue(String name, String queue) {
            this(name, queue, queue + "-dlq");
        }
    }

    public S3EventsTopology {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("s3events.events is empty: name the object events that reach the queues,"
                    + " e.g. ObjectCreated:Put,ObjectCreated:CompleteMultipartUpload");
        }
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("no S3 event queue is declared: add a block " + PREFIX + ".<name>.processor=..."
                    + " to subscribe one to the topic");
        }
        for (Queue queue : queues) {
            if (queue.queue().endsWith(".fifo")) {
                throw new IllegalArgumentException(PREFIX + "." + queue.name() + ".queue is a FIFO queue (" + queue.queue()
                        + "): S3 notifies a standard topic, which delivers to standard queues only");
            }
            if (queue.deadLetterQueue().endsWith(".fifo") || queue.deadLetterQueue().equals(queue.queue())) {
                throw new IllegalArgumentException(PREFIX + "." + queue.name() + ".dead-letter-queue (" + queue.deadLetterQueue()
                        + ") must be a standard queue other than the queue itself: SQS redrives a standard queue to a standard queue");
            }
        }
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("s3events.max-receive-count is " + maxReceiveCount
                    + ": SQS takes 1 to 1000 deliveries before the redrive to the dead-letter queue");
        }
        for (String suffix : suffixes) {
            for (String other : suffixes) {
                if (!suffix.equals(other) && suffix.endsWith(other)) {
                    // S3 rejects a notification configuration whose filters overlap
                    throw new IllegalArgumentException("s3events.suffixes: '" + suffix + "' overlaps '" + other
                            + "'; S3 refuses overlapping notification filters, keep only '" + other + "'");
                }
            }
        }
    }

    /** Redrive after the default number of deliveries. */
    public S3EventsTopology(String bucket, String topic, List<String> events, String prefix, List<String> suffixes,
                            List<Queue> queues, Set<String> outputBuckets, int visibilityTimeout) {
        this(bucket, topic, events, prefix, suffixes, queues, outputBuckets, visibilityTimeout, DEFAULT_MAX_RECEIVE_COUNT);
    }

    /** Queues keep their visibility timeout; redrive after the default number of deliveries. */
    public S3EventsTopology(String bucket, String topic, List<String> events, String prefix, List<String> suffixes,
                            List<Queue> queues, Set<String> outputBuckets) {
        this(bucket, topic, events, prefix, suffixes, queues, outputBuckets, -1);
    }

    /** True when configuration declares at least one S3 event queue: without one, the S3 events flow is off. */
    public static boolean declared(PropertiesComponent properties) {
        if (properties.resolveProperty(PREFIX).isPresent()) {
            // the list of the former configuration: its queues would be silently ignored
            throw new IllegalArgumentException(PREFIX + " is no longer a list: declare each S3 event queue as one block, "
                    + PREFIX + ".<name>.processor, .queue, .dead-letter-queue (see application.properties)");
        }
        return !QueueBlocks.read(properties, PREFIX, settings()).names().isEmpty();
    }

    public static S3EventsTopology from(PropertiesComponent properties) {
        QueueBlocks blocks = QueueBlocks.read(properties, PREFIX, settings());
        String bucket = required(properties, "s3events.bucket");
        List<Queue> queues = new ArrayList<>();
        Set<String> outputBuckets = new LinkedHashSet<>();
        for (String name : blocks.names()) {
            String queue = blocks.own(name, "queue").filter(v -> !v.isEmpty()).orElse(name);
            String processor = blocks.required(name, "processor", "the processor that handles the queue's records: "
                    + "thumbnail, audit");
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String setting : TUNING) {
                if (!setting.equals("max-receive-count")) {
                    blocks.own(name, setting).ifPresent(v -> parameters.put(QueueBlocks.parameterName(setting), v));
                }
            }
            queues.add(new Queue(name, queue, blocks.own(name, "dead-letter-queue").filter(v -> !v.isEmpty()).orElse(queue + "-dlq"),
                    processor, blocks.integer(name, "max-receive-count", DEFAULTS, Integer.toString(DEFAULT_MAX_RECEIVE_COUNT)),
                    blocks.integer(name, "visibility-timeout", DEFAULTS, "-1"), Map.copyOf(parameters)));
            if (THUMBNAIL_PROCESSOR.equals(processor)) {
                outputBuckets.add(optional(properties, "s3events.thumbnail.bucket", bucket));
            }
        }
        outputBuckets.remove(bucket);
        return new S3EventsTopology(bucket, required(properties, "s3events.topic"),
                list(properties, "s3events.events"), optional(properties, "s3events.prefix", ""),
                list(properties, "s3events.suffixes"), List.copyOf(queues), outputBuckets,
                Integer.parseInt(optional(properties, "s3events.visibility-timeout", "-1")),
                Integer.parseInt(optional(properties, "s3events.max-receive-count",
                        Integer.toString(DEFAULT_MAX_RECEIVE_COUNT))));
    }

    private static Set<String> settings() {
        Set<String> settings = new LinkedHashSet<>(List.of("queue", "dead-letter-queue", "processor"));
        settings.addAll(TUNING);
        return settings;
    }

    /**
     * One configuration per suffix (an S3 filter holds one suffix rule), each with the prefix rule when there is one.
     * Event names may be written with or without the s3: prefix.
     */
    public List<TopicConfiguration> topicConfigurations(String topicArn) {
        List<String> s3Events = events.stream().map(e -> e.startsWith("s3:") ? e : "s3:" + e).toList();
        List<String> perConfiguration = suffixes.isEmpty() ? Arrays.asList((String) null) : suffixes;
        List<TopicConfiguration> configurations = new ArrayList<>();
        for (String suffix : perConfiguration) {
            // S3 reads rule names in any case; the lowercase of its documentation is what every implementation takes
            List<FilterRule> rules = new ArrayList<>();
            if (!prefix.isEmpty()) {
                rules.add(FilterRule.builder().name("prefix").value(prefix).build());
            }
            if (suffix != null) {
                rules.add(FilterRule.builder().name("suffix").value(suffix).build());
            }
            TopicConfiguration.Builder configuration = TopicConfiguration.builder()
                    .id(CONFIGURATION_ID_PREFIX + topic + (suffix == null ? "" : "-" + suffix.replaceAll("[^A-Za-z0-9_-]", "_")))
                    .topicArn(topicArn)
                    .eventsWithStrings(s3Events);
            if (!rules.isEmpty()) {
                configuration.filter(f -> f.key(k -> k.filterRules(rules)));
            }
            configurations.add(configuration.build());
        }
        return configurations;
    }

    /** Only S3, on behalf of this bucket (and of this account, where bucket names can move), may publish. */
    public String topicPolicy(String topicArn) {
        ObjectNode statement = JSON.createObjectNode()
                .put("Sid", "AllowBucketToPublish")
                .put("Effect", "Allow");
        statement.putObject("Principal").put("Service", "s3.amazonaws.com");
        statement.put("Action", "SNS:Publish");
        statement.put("Resource", topicArn);
        ObjectNode condition = statement.putObject("Condition");
        condition.putObject("ArnLike").put("aws:SourceArn", "arn:aws:s3:*:*:" + bucket);
        String account = topicArn.split(":")[4];
        if (!account.isEmpty()) {
            // bucket names are global: a bucket of that name in another account must not publish here
            condition.putObject("StringEquals").put("aws:SourceAccount", account);
        }
        return policy("sqs-router-" + topic + "-publish", statement);
    }

    /** Only SNS, on behalf of this topic, may send to the queue. */
    public static String queuePolicy(String queueArn, String topicArn) {
        ObjectNode statement = JSON.createObjectNode()
                .put("Sid", "AllowTopicToSend")
                .put("Effect", "Allow");
        statement.putObject("Principal").put("Service", "sns.amazonaws.com");
        statement.put("Action", "sqs:SendMessage");
        statement.put("Resource", queueArn);
        statement.putObject("Condition").putObject("ArnEquals").put("aws:SourceArn", topicArn);
        return policy("sqs-router-" + queueArn.substring(queueArn.lastIndexOf(':') + 1) + "-send", statement);
    }

    private static String policy(String id, ObjectNode statement) {
        ObjectNode policy = JSON.createObjectNode().put("Version", "2012-10-17").put("Id", id);
        policy.putArray("Statement").add(statement);
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(PropertiesComponent properties, String key) {
        return Arrays.stream(properties.resolveProperty(key).orElse("").split(","))
                .map(String::trim).filter(v -> !v.isEmpty()).distinct().toList();
    }

    private static String optional(PropertiesComponent properties, String key, String fallback) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    /** A flow-level key of the topology: the sample's value does not hold once the deployer declares their own. */
    private static String required(PropertiesComponent properties, String key) {
        ConfigurationLayers layers = ConfigurationLayers.of(properties);
        return layers.topologyValue(properties, key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("missing configuration: " + key
                        + " (application.properties, or the environment variable "
                        + key.toUpperCase().replaceAll("[.-]", "_") + ")"
                        + (layers.sampleReplaced() ? "; the packaged sample's value does not hold: this deployment declares"
                                + " its own queues" : "")));
    }
}
