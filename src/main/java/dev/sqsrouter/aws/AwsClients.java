package dev.sqsrouter.aws;

import java.net.URI;
import java.time.Duration;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients every route shares: default credentials chain and region in production, an endpoint
 * override per service for emulators. Camel's aws2 components pick them up from the registry by type.
 */
public class AwsClients implements CamelConfiguration {

    /** Credentials that only emulators accept; used when aws.credentials=sandbox. */
    private static final String SANDBOX_PRINCIPAL = "sandbox";

    @PropertyInject(value = "aws.region", defaultValue = "")
    private String region;
    @PropertyInject(value = "aws.credentials", defaultValue = "default")
    private String credentials;
    @PropertyInject(value = "aws.endpoint.sqs", defaultValue = "")
    private String sqsEndpoint;
    @PropertyInject(value = "aws.endpoint.dynamodb", defaultValue = "")
    private String dynamoDbEndpoint;
    @PropertyInject(value = "aws.endpoint.s3", defaultValue = "")
    private String s3Endpoint;
    @PropertyInject(value = "aws.endpoint.sns", defaultValue = "")
    private String snsEndpoint;
    /** 0: derived from the relay's cap on groups in flight (see {@link #maxConnections()}). */
    @PropertyInject(value = "aws.http.max-connections", defaultValue = "0")
    private int maxConnections;
    @PropertyInject(value = "relay.max-groups-in-flight", defaultValue = "500")
    private int maxGroupsInFlight;
    @PropertyInject(value = "aws.api-call-attempt-timeout-seconds", defaultValue = "30")
    private int apiCallAttemptTimeoutSeconds;
    @PropertyInject(value = "aws.api-call-timeout-seconds", defaultValue = "60")
    private int apiCallTimeoutSeconds;

    @BindToRegistry("sqsClient")
    public SqsClient sqsClient() {
        return configure(SqsClient.builder(), sqsEndpoint).build();
    }

    @BindToRegistry("dynamoDbClient")
    public DynamoDbClient dynamoDbClient() {
        return configure(DynamoDbClient.builder(), dynamoDbEndpoint).build();
    }

    @BindToRegistry("s3Client")
    public S3Client s3Client() {
        // emulators serve buckets by path, not by virtual host
        return configure(S3Client.builder(), s3Endpoint).forcePathStyle(!s3Endpoint.isBlank()).build();
    }

    @BindToRegistry("snsClient")
    public SnsClient snsClient() {
        return configure(SnsClient.builder(), snsEndpoint).build();
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String endpoint) {
        builder.region(region())
                .credentialsProvider(credentialsProvider())
                // no call (an acknowledgement, an extension, a store write) may stall a consumer for good
                .overrideConfiguration(o -> o
                        .apiCallAttemptTimeout(Duration.ofSeconds(apiCallAttemptTimeoutSeconds))
                        .apiCallTimeout(Duration.ofSeconds(apiCallTimeoutSeconds)));
        if (!endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint.trim()));
        }
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(ApacheHttpClient.builder()
                    .maxConnections(maxConnections())
                    .connectionTimeout(Duration.ofSeconds(5))
                    // long polling holds a connection for up to 20 s
                    .socketTimeout(Duration.ofSeconds(35)));
        }
        return builder;
    }

    /**
     * The connections per client: as configured, or enough for every group in flight to acknowledge at once while the
     * receives (up to 50 per queue) and the heartbeat run, so that no delete waits for a connection.
     */
    int maxConnections() {
        return maxConnections > 0 ? maxConnections : Math.max(200, maxGroupsInFlight + 60);
    }

    Region region() {
        return region.isBlank() ? DefaultAwsRegionProviderChain.builder().build().getRegion() : Region.of(region.trim());
    }

    AwsCredentialsProvider credentialsProvider() {
        return switch (credentials.trim()) {
            case "default" -> DefaultCredentialsProvider.builder().build();
            case "sandbox" -> StaticCredentialsProvider.create(AwsBasicCredentials.create(SANDBOX_PRINCIPAL, SANDBOX_PRINCIPAL));
            default -> throw new IllegalArgumentException(
                    "aws.credentials must be 'default' (the AWS default credentials chain) or 'sandbox' (emulators only), not '"
                            + credentials + "'");
        };
    }
}
