package dev.sqsrouter.sqs;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** An aws2-sqs endpoint whose consumer is {@link OrderedSqsConsumer}. */
// options are bound by reflection and by aws2-sqs's configurer (see OrderedSqsComponent): none is generated
@UriEndpoint(firstVersion = "0.1.0", scheme = OrderedSqsComponent.SCHEME, extendsScheme = "aws2-sqs",
        title = "AWS SQS, ordered per group", syntax = "sqs-ordered:queueName", category = { Category.CLOUD, Category.MESSAGING },
        headersClass = Sqs2Constants.class, generateConfigurer = false)
public class OrderedSqsEndpoint extends Sqs2Endpoint {

    @UriPath(description = "The name of the queue to consume; a name ending in .fifo is a FIFO queue, read per group")
    @Metadata(required = true)
    private final String queueName;
    @UriParam
    private final OrderedOptions orderedOptions = new OrderedOptions();
    private final ConsumerStats stats = new ConsumerStats();
    /** The queue's URL once SQS gave it; null while it has not. */
    private volatile String resolvedQueueUrl;

    /** What the configuration holds until SQS gives the queue's URL: never sent, {@link #getQueueUrl()} replaces it. */
    private static final String UNRESOLVED = "unresolved:";
    private static final Logger LOG = LoggerFactory.getLogger(OrderedSqsEndpoint.class);

    OrderedSqsEndpoint(String uri, OrderedSqsComponent component, Sqs2Configuration configuration) {
        super(uri, component, configuration);
        this.queueName = configuration.getQueueName();
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Sqs2Configuration configuration = getConfiguration();
        // the ordering needs the group, sequence and receive count of every message
        if (configuration.getAttributeNames() == null || configuration.getAttributeNames().isBlank()) {
            configuration.setAttributeNames("All");
        }
        requireGroupIds(configuration.getQueueName(), configuration.getAttributeNames());
        OrderedSqsConsumer consumer = new OrderedSqsConsumer(this, processor, orderedOptions, stats);
        configureConsumer(consumer);
        consumer.setMaxMessagesPerPoll(getMaxMessagesPerPoll());
        return consumer;
    }

    /**
     * Resolves the URL with GetQueueUrl (aws2-sqs would list queues, a wider permission). When SQS does not answer, or
     * the queue does not exist yet, the route starts all the same: the URL is resolved at the consumer's first receive
     * that finds it, and until then each receive fails with what is missing (the readiness check reports SQS meanwhile).
     * An app must come up while AWS is briefly unreachable, and start consuming when it answers.
     */
    @Override
    protected void doInit() throws Exception {
        Sqs2Configuration configuration = getConfiguration();
        if (configuration.getAmazonSQSClient() == null) {
            // the app's one SQS client, as Camel's autowiring would bind it (it does so only after this)
            Set<SqsClient> clients = getCamelContext().getRegistry().findByType(SqsClient.class);
            if (clients.size() == 1) {
                configuration.setAmazonSQSClient(clients.iterator().next());
            }
        }
        if (configuration.getQueueUrl() == null && configuration.getAmazonSQSClient() != null) {
            try {
                resolvedQueueUrl = resolveQueueUrl();
            } catch (RuntimeException e) {
                LOG.warn("{}: {}; the route starts and resolves the queue when SQS has it", configuration.getQueueName(),
                        e.getMessage());
            }
            // aws2-sqs takes a set URL as it is (it would list the queues otherwise); getQueueUrl() answers the real one
            configuration.setQueueUrl(resolvedQueueUrl != null ? resolvedQueueUrl : UNRESOLVED + configuration.getQueueName());
        }
        super.doInit();
    }

    /** The queue's URL; resolved now if SQS did not have it at start (throws what is missing while it still does not). */
    @Override
    protected synchronized String getQueueUrl() {
        String url = super.getQueueUrl();
        if (url == null || !url.startsWith(UNRESOLVED)) {
            return url;
        }
        if (resolvedQueueUrl == null) {
            resolvedQueueUrl = resolveQueueUrl();
            LOG.info("{}: SQS has the queue now ({})", getConfiguration().getQueueName(), resolvedQueueUrl);
        }
        return resolvedQueueUrl;
    }

    private String resolveQueueUrl() {
        Sqs2Configuration configuration = getConfiguration();
        try {
            return configuration.getAmazonSQSClient().getQueueUrl(b -> b.queueName(configuration.getQueueName())).queueUrl();
        } catch (QueueDoesNotExistException e) {
            throw new IllegalStateException("SQS queue " + configuration.getQueueName()
                    + " does not exist: create it with the provision command (java -jar sqs-router.jar provision)", e);
        } catch (SdkClientException e) {
            throw new IllegalStateException("SQS did not answer the queue URL of " + configuration.getQueueName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A FIFO queue read without its group ids would run every message as a group of its own: out of order. */
    static void requireGroupIds(String queueName, String attributeNames) {
        if (!queueName.endsWith(".fifo")) {
            return;
        }
        for (String name : attributeNames.split(",")) {
            if (name.trim().equals("All") || name.trim().equals("MessageGroupId")) {
                return;
            }
        }
        throw new IllegalArgumentException("sqs-ordered:" + queueName + " is a FIFO queue but attributeNames=" + attributeNames
                + " leaves out MessageGroupId, so per-group order cannot hold: add MessageGroupId (or All), or leave attributeNames unset");
    }

    public String getQueueName() {
        return queueName;
    }

    /** The options sqs-ordered adds to aws2-sqs's. */
    public OrderedOptions getOrderedOptions() {
        return orderedOptions;
    }

    public ConsumerStats getStats() {
        return stats;
    }
}
