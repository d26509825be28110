package dev.sqsrouter.sandbox;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SDK clients for the test side: what a test sends and inspects, on the same emulators as the app. */
public final class AwsTestClients {

    private static final StaticCredentialsProvider EMULATOR = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("sandbox", "sandbox"));

    private AwsTestClients() {
    }

    public static SqsClient sqs(String endpoint) {
        return SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(EMULATOR).build();
    }

    public static DynamoDbClient dynamoDb(String endpoint) {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(EMULATOR).build();
    }

    public static S3Client s3(String endpoint) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(EMULATOR).build();
    }

    public static SnsClient sns(String endpoint) {
        return SnsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(EMULATOR).build();
    }
}
