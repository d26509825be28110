package dev.sqsrouter.provision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates, idempotently, the infrastructure the routes consume: queues with their dead-letter queues and redrive
 * policies, and the failure table. Never called when the app starts; only by the provision command and the sandbox.
 * Every call says what it created and what already existed.
 */
public class Provisioner {

    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final List<String> report = new ArrayList<>();

    public Provisioner(SqsClient sqs, DynamoDbClient dynamoDb) {
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
    }

    /** Lines like "created queue queue-1.fifo" / "exists  table sqs-router-failures", in the order done. */
    public List<String> report() {
        return List.copyOf(report);
    }

    /** A queue with a dead-letter queue of the same kind (FIFO when the name ends in .fifo) and a redrive policy. */
    public String queueWithDeadLetterQueue(String queue, String deadLetterQueue, int maxReceiveCount, int visibilityTimeout) {
        String deadLetterUrl = queue(deadLetterQueue, Map.of());
        String deadLetterArn = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        return queue(queue, Map.of(
                QueueAttributeName.REDRIVE_POLICY, redrive,
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeout)));
    }

    /** A queue with the given attributes; FIFO (without content-based deduplication) when the name ends in .fifo. */
    public String queue(String name, Map<QueueAttributeName, String> attributes) {
        try {
            String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            if (!attributes.isEmpty()) {
                // keep an existing queue in line with the configuration (redrive policy, visibility timeout)
                sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
            }
            report.add("exists  queue " + name);
            return url;
        } catch (QueueDoesNotExistException missing) {
            Map<QueueAttributeName, String> all = new HashMap<>(attributes);
            if (name.endsWith(".fifo")) {
                all.put(QueueAttributeName.FIFO_QUEUE, "true");
            }
            String url = sqs.createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
            report.add("created queue " + name);
            return url;
        }
    }

    /** The failure table: pk = queue#group (hash), sk = sequence (range), on demand. */
    public void failureTable(String table) {
        try {
            dynamoDb.describeTable(b -> b.tableName(table));
            report.add("exists  table " + table);
        } catch (ResourceNotFoundException missing) {
            dynamoDb.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
            dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table));
            report.add("created table " + table);
        }
    }
}
