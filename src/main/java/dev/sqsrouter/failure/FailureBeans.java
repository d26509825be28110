package dev.sqsrouter.failure;

import java.time.Clock;

import dev.sqsrouter.config.OnceOnly;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The failure policy every flow names, the failure channel it parks through, the store and what builds its records
 * (parking, the dead-letter archiver).
 */
public class FailureBeans implements CamelConfiguration {

    @PropertyInject(value = "failures.table", defaultValue = "sqs-router-failures")
    private String failureTable;
    @PropertyInject(value = "failures.large-body-bucket", defaultValue = "sqs-router-failures-bodies")
    private String largeBodyBucket;
    @PropertyInject(value = "failures.large-body-threshold-bytes", defaultValue = "300000")
    private int largeBodyThresholdBytes;
    @PropertyInject(value = "failures.retention-days", defaultValue = "30")
    private int retentionDays;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        if (OnceOnly.noRouteConfiguration(camelContext, FailurePolicy.ID)) {
            camelContext.addRoutes(new FailurePolicy());
        }
        if (OnceOnly.noRoute(camelContext, FailureChannel.ROUTE_ID)) {
            // bodies too large for a DynamoDB item are kept whole in the bucket; the item points to them
            camelContext.addRoutes(new FailureChannel(failureTable, largeBodyBucket, largeBodyThresholdBytes));
        }
    }

    @BindToRegistry("failureStore")
    public FailureStore failureStore(CamelContext camelContext, DynamoDbClient dynamoDbClient, S3Client s3Client) {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("failures.retention-days must be at least 1 (days a replayed or discarded"
                    + " record is kept), not " + retentionDays);
        }
        return new FailureStore(dynamoDbClient, failureTable, s3Client, camelContext.createProducerTemplate(),
                java.time.Duration.ofDays(retentionDays));
    }

    @BindToRegistry("failureParking")
    public FailureParking failureParking() {
        return new FailureParking(Clock.systemUTC());
    }

    @BindToRegistry("deadLetterArchiver")
    public DeadLetterArchiver deadLetterArchiver(FailureStore failureStore) {
        return new DeadLetterArchiver(failureStore, Clock.systemUTC());
    }
}
