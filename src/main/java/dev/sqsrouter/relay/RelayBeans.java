package dev.sqsrouter.relay;

import java.time.Clock;

import dev.sqsrouter.failure.FailureStore;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The beans the relay routes name: the ordered consumer component, the contract, the failure store and parking. */
public class RelayBeans implements CamelConfiguration {

    @PropertyInject(value = "failures.table", defaultValue = "sqs-router-failures")
    private String failureTable;
    @PropertyInject(value = "failures.large-body-bucket", defaultValue = "sqs-router-failures-bodies")
    private String largeBodyBucket;
    @PropertyInject(value = "failures.large-body-threshold-bytes", defaultValue = "300000")
    private int largeBodyThresholdBytes;

    @BindToRegistry(OrderedSqsComponent.SCHEME)
    public OrderedSqsComponent orderedSqs() {
        return new OrderedSqsComponent();
    }

    @BindToRegistry("relayContract")
    public RelayContract relayContract() {
        return new RelayContract();
    }

    @BindToRegistry("failureStore")
    public FailureStore failureStore(DynamoDbClient dynamoDbClient, S3Client s3Client) {
        // bodies too large for a DynamoDB item are kept whole in the bucket; the item points to them
        return new FailureStore(dynamoDbClient, failureTable, s3Client, largeBodyBucket, largeBodyThresholdBytes);
    }

    @BindToRegistry("failureParking")
    public FailureParking failureParking(FailureStore failureStore, SqsClient sqsClient) {
        return new FailureParking(failureStore, sqsClient, Clock.systemUTC());
    }

    @BindToRegistry("deadLetterArchiver")
    public DeadLetterArchiver deadLetterArchiver(FailureStore failureStore) {
        return new DeadLetterArchiver(failureStore, Clock.systemUTC());
    }
}
