package dev.sqsrouter.failure;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import java.time.Clock;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The failure store and what writes to it (parking, the dead-letter archiver) and the failure policy every flow names. */
public class FailureBeans implements CamelConfiguration {

    @PropertyInject(value = "failures.table", defaultValue = "sqs-router-failures")
    private String failureTable;
    @PropertyInject(value = "failures.large-body-bucket", defaultValue = "sqs-router-failures-bodies")
    private String largeBodyBucket;
    @PropertyInject(value = "failures.large-body-threshold-bytes", defaultValue = "300000")
    private int largeBodyThresholdBytes;

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        // camel-main may meet this class twice (added by Application and found by a package scan): configure once
        Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        if (model.getRouteConfigurationDefinition(FailurePolicy.ID) == null) {
            camelContext.addRoutes(new FailurePolicy());
        }
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
