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

    @Override
    protected void doInit() throws Exception {
        // resolve the URL with GetQueueUrl (aws2-sqs would list queues, a wider permission) and fail fast if missing
        Sqs2Configuration configuration = getConfiguration();
        if (configuration.getQueueUrl() == null && configuration.getAmazonSQSClient() != null) {
            try {
                configuration.setQueueUrl(configuration.getAmazonSQSClient()
                        .getQueueUrl(b -> b.queueName(configuration.getQueueName())).queueUrl());
            } catch (QueueDoesNotExistException e) {
                throw new IllegalStateException("SQS queue " + configuration.getQueueName()
                        + " does not exist: create it with the provision command (java -jar sqs-router.jar provision)", e);
            }
        }
        super.doInit();
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
