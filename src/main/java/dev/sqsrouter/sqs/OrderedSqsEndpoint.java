package dev.sqsrouter.sqs;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Configuration;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** An aws2-sqs endpoint whose consumer is {@link OrderedSqsConsumer}. */
public class OrderedSqsEndpoint extends Sqs2Endpoint {

    private final OrderedOptions options;
    private final ConsumerStats stats = new ConsumerStats();

    OrderedSqsEndpoint(String uri, OrderedSqsComponent component, Sqs2Configuration configuration, OrderedOptions options) {
        super(uri, component, configuration);
        this.options = options;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Sqs2Configuration configuration = getConfiguration();
        // the ordering needs the group, sequence and receive count of every message
        if (configuration.getAttributeNames() == null || configuration.getAttributeNames().isBlank()) {
            configuration.setAttributeNames("All");
        }
        requireGroupIds(configuration.getQueueName(), configuration.getAttributeNames());
        OrderedSqsConsumer consumer = new OrderedSqsConsumer(this, processor, options, stats);
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

    public ConsumerStats getStats() {
        return stats;
    }

    String queueUrl() {
        return getQueueUrl();
    }
}
