package dev.sqsrouter.s3events;

import java.util.List;
import java.util.Properties;

import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.sqs.ConsumerStats;
import dev.sqsrouter.relay.RelayTestSupport;
import dev.sqsrouter.sandbox.AwsTestClients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Boots the application as it ships against the shared emulators, with S3 event queues of its own per test (named
 * and provisioned by {@link RelayTestSupport}, since the app starts every route). The audit target is the sample
 * response server; objects live in the configured bucket of the S3 emulator, under a key prefix of their own per
 * test.
 */
public abstract class S3EventsTestSupport extends RelayTestSupport {

    protected static final String THUMBNAILS = "image-thumbnails";
    protected static final String AUDIT = "image-audit";
    protected static final String BUCKET = "images";

    protected final S3Client s3 = AwsTestClients.s3(emulators.s3Endpoint());

    /** The SQS queue of an S3 events alias (image-thumbnails, image-audit) in this test. */
    protected String s3Queue(String alias) {
        return s3EventQueue(alias);
    }

    /** A key prefix of this test's own, so that tests sharing the bucket never see each other's objects. */
    protected String keyPrefix() {
        return prefix + "/";
    }

    @Override
    protected void overrideProperties(Properties properties) {
        properties.setProperty("s3events.bucket", BUCKET);
        properties.setProperty("s3events.thumbnail.bucket", BUCKET);
        properties.setProperty("s3events.audit.url", target.url());
        properties.setProperty("s3events.audit.connect-timeout-ms", "500");
        properties.setProperty("s3events.audit.response-timeout-ms", "2000");
        // short waits so that tests (and context shutdown) are quick
        properties.setProperty("s3events.pollers", "1");
        properties.setProperty("s3events.visibility-timeout", "20");
        properties.setProperty("s3events.failed-visibility-seconds", "1");
        properties.setProperty("s3events.breaker.open-seconds", "1");
        overrideS3EventsProperties(properties);
    }

    /** Extra properties for one test class. */
    protected void overrideS3EventsProperties(Properties properties) {
    }

    @Override
    protected void provision(Properties properties) {
        super.provision(properties);
        createBucket(BUCKET);
    }

    protected void createBucket(String bucket) {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException already) {
            // shared by the tests of this JVM
        } catch (S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
        }
    }

    protected String sendEvent(String alias, String body) {
        return sqs.sendMessage(b -> b.queueUrl(url(s3Queue(alias))).messageBody(body)).messageId();
    }

    protected List<FailureRecord> s3Failures(String alias) {
        return failureStore().list(s3Queue(alias), null);
    }

    /** The counters of the consumer of an alias's queue. */
    protected ConsumerStats s3Stats(String alias) {
        return stats(s3Queue(alias));
    }
}
