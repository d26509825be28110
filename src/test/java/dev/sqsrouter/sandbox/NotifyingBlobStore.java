package dev.sqsrouter.sandbox;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * The sandbox S3's event notifications: S3Proxy stores, this publishes what S3 would publish to SNS afterwards, the
 * same JSON (Records[] with eventName, URL-encoded key, size, eTag, sequencer), for the events and key filters of
 * the bucket's notification configuration. S3Proxy does not implement PutBucketNotificationConfiguration, so the
 * configuration comes from {@link #configure}, which checks the topic and its policy and sends s3:TestEvent as S3
 * does. S3Proxy's own multipart bookkeeping objects never produce events.
 */
public final class NotifyingBlobStore extends ForwardingBlobStore {

    /** The subject S3 gives its SNS notifications. */
    public static final String SUBJECT = "Amazon S3 Notification";

    private static final Logger LOG = LoggerFactory.getLogger(NotifyingBlobStore.class);
    private static final String MPU_STUB_MARKER = ".s3proxy-mpu-stub-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SnsClient sns;
    private final String region;
    private final String ownerAccount;
    private final Map<String, NotificationConfiguration> configurations = new ConcurrentHashMap<>();
    /** Hex sequencers grow with every event, as S3's do for one key. */
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 16);

    /** Publishes through sns; region and ownerAccount are the bucket's, as S3 reports and policies check them. */
    public NotifyingBlobStore(BlobStore delegate, SnsClient sns, String region, String ownerAccount) {
        super(delegate);
        this.sns = sns;
        this.region = region;
        this.ownerAccount = ownerAccount;
    }

    /**
     * What PutBucketNotificationConfiguration does: replaces the bucket's configuration after checking that every
     * topic exists and lets this bucket publish, then sends s3:TestEvent to each topic.
     */
    public void configure(String bucket, NotificationConfiguration configuration) {
        Set<String> topicArns = new LinkedHashSet<>();
        configuration.topicConfigurations().forEach(c -> topicArns.add(c.topicArn()));
        if (!configuration.queueConfigurations().isEmpty() || !configuration.lambdaFunctionConfigurations().isEmpty()) {
            throw new IllegalArgumentException("the sandbox S3 notifies SNS topics only");
        }
        for (String topicArn : topicArns) {
            checkDestination(bucket, topicArn);
        }
        configurations.put(bucket, configuration);
        for (String topicArn : topicArns) {
            ObjectNode test = JSON.createObjectNode()
                    .put("Service", "Amazon S3")
                    .put("Event", "s3:TestEvent")
                    .put("Time", now())
                    .put("Bucket", bucket)
                    .put("RequestId", requestId())
                    .put("HostId", hostId());
            publish(topicArn, write(test));
        }
    }

    /** The bucket's configuration, empty when none was set. */
    public NotificationConfiguration configuration(String bucket) {
        return configurations.getOrDefault(bucket, NotificationConfiguration.builder().build());
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        PutObjectResponse response = super.putBlob(request, input);
        created(request.bucket(), request.key(), "ObjectCreated:Put");
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        created(upload.containerName(), upload.blobName(), "ObjectCreated:CompleteMultipartUpload");
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        created(request.destinationBucket(), request.destinationKey(), "ObjectCreated:Copy");
        return response;
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        DeleteObjectResponse response = super.removeBlob(request);
        if (!isBookkeeping(request.key()) && hasConfiguration(request.bucket())) {
            ObjectNode object = JSON.createObjectNode().put("key", encodeKey(request.key()));
            if (response.versionId() != null) {
                object.put("versionId", response.versionId());
            }
            object.put("sequencer", nextSequencer());
            notify(request.bucket(), request.key(), "ObjectRemoved:Delete", object);
        }
        return response;
    }

    private void created(String bucket, String key, String eventName) {
        if (isBookkeeping(key) || !hasConfiguration(bucket)) {
            return;
        }
        HeadObjectResponse head = delegate().blobMetadata(bucket, key);
        ObjectNode object = JSON.createObjectNode()
                .put("key", encodeKey(key))
                .put("size", head.contentLength() == null ? 0 : head.contentLength())
                .put("eTag", head.eTag() == null ? "" : head.eTag().replace("\"", ""));
        if (head.versionId() != null && !"null".equals(head.versionId())) {
            object.put("versionId", head.versionId());
        }
        object.put("sequencer", nextSequencer());
        notify(bucket, key, eventName, object);
    }

    /** One publication per matching configuration, as S3 does; a failed publication never fails the request. */
    private void notify(String bucket, String key, String eventName, ObjectNode object) {
        for (TopicConfiguration configuration : configuration(bucket).topicConfigurations()) {
            if (!matches(configuration, eventName, key)) {
                continue;
            }
            ObjectNode record = JSON.createObjectNode()
                    .put("eventVersion", "2.1")
                    .put("eventSource", "aws:s3")
                    .put("awsRegion", region)
                    .put("eventTime", now())
                    .put("eventName", eventName);
            record.putObject("userIdentity").put("principalId", "AWS:" + ownerAccount);
            record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
            record.putObject("responseElements").put("x-amz-request-id", requestId()).put("x-amz-id-2", hostId());
            ObjectNode s3 = record.putObject("s3")
                    .put("s3SchemaVersion", "1.0")
                    .put("configurationId", configuration.id() == null ? "" : configuration.id());
            ObjectNode bucketNode = s3.putObject("bucket").put("name", bucket);
            bucketNode.putObject("ownerIdentity").put("principalId", ownerAccount);
            bucketNode.put("arn", "arn:aws:s3:::" + bucket);
            s3.set("object", object);
            ObjectNode event = JSON.createObjectNode();
            event.putArray("Records").add(record);
            publish(configuration.topicArn(), write(event));
        }
    }

    private void publish(String topicArn, String message) {
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(SUBJECT).message(message));
        } catch (SdkException e) {
            // S3 drops a notification it cannot deliver; the sandbox at least says so
            LOG.warn("sandbox S3: could not publish to {}: {}", topicArn, e.getMessage());
        }
    }

    /** Event type patterns as S3 reads them: s3:ObjectCreated:Put, or s3:ObjectCreated:* for the whole family. */
    static boolean matches(TopicConfiguration configuration, String eventName, String key) {
        boolean eventMatches = configuration.eventsAsStrings().stream().anyMatch(pattern -> {
            String p = pattern.startsWith("s3:") ? pattern.substring(3) : pattern;
            return p.endsWith(":*") ? eventName.startsWith(p.substring(0, p.length() - 1)) : p.equals(eventName);
        });
        if (!eventMatches) {
            return false;
        }
        List<FilterRule> rules = configuration.filter() == null || configuration.filter().key() == null
                ? List.of() : configuration.filter().key().filterRules();
        for (FilterRule rule : rules) {
            // S3 compares prefix and suffix with the key as stored, case-sensitively
            String name = rule.nameAsString() == null ? "" : rule.nameAsString().toLowerCase();
            if ("prefix".equals(name) && !key.startsWith(rule.value())) {
                return false;
            }
            if ("suffix".equals(name) && !key.endsWith(rule.value())) {
                return false;
            }
        }
        return true;
    }

    /** Keys in events are form-encoded (a space is '+', a '+' is %2B), with '/' left as it is. */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /** S3 refuses a destination it may not publish to; so does the sandbox, by reading the topic policy. */
    private void checkDestination(String bucket, String topicArn) {
        String policy;
        try {
            policy = sns.getTopicAttributes(b -> b.topicArn(topicArn)).attributes().getOrDefault("Policy", "");
        } catch (NotFoundException e) {
            throw new IllegalArgumentException("Unable to validate the following destination configurations: "
                    + topicArn + " (no such topic)", e);
        }
        if (!allowsPublishFrom(policy, bucket)) {
            throw new IllegalArgumentException("Unable to validate the following destination configurations: "
                    + topicArn + " (its policy does not let s3.amazonaws.com publish for bucket " + bucket + ")");
        }
    }

    /** Whether one Allow statement lets S3 publish on behalf of this bucket and account. */
    boolean allowsPublishFrom(String policy, String bucket) {
        JsonNode statements;
        try {
            statements = JSON.readTree(policy).path("Statement");
        } catch (JsonProcessingException e) {
            return false;
        }
        List<JsonNode> all = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(all::add);
        } else if (statements.isObject()) {
            all.add(statements);
        }
        for (JsonNode statement : all) {
            JsonNode principal = statement.path("Principal");
            boolean allows = "Allow".equals(statement.path("Effect").asText());
            boolean forS3 = anyOf(principal.path("Service"), "s3.amazonaws.com") || anyOf(principal.path("AWS"), "*")
                    || "*".equals(principal.asText());
            boolean publish = anyOf(statement.path("Action"), "sns:publish", "sns:*", "*");
            if (allows && forS3 && publish && conditionsHold(statement.path("Condition"), "arn:aws:s3:::" + bucket)) {
                return true;
            }
        }
        return false;
    }

    private boolean conditionsHold(JsonNode condition, String bucketArn) {
        for (Map.Entry<String, JsonNode> operator : condition.properties()) {
            for (Map.Entry<String, JsonNode> test : operator.getValue().properties()) {
                // S3 publishes with these two keys only; as in IAM, a condition on any other key does not hold
                String actual = switch (test.getKey().toLowerCase()) {
                    case "aws:sourcearn" -> bucketArn;
                    case "aws:sourceaccount" -> ownerAccount;
                    default -> null;
                };
                if (actual == null) {
                    if (operator.getKey().endsWith("IfExists")) {
                        continue;
                    }
                    return false;
                }
                List<String> expected = new ArrayList<>();
                if (test.getValue().isArray()) {
                    test.getValue().forEach(v -> expected.add(v.asText()));
                } else {
                    expected.add(test.getValue().asText());
                }
                boolean like = operator.getKey().toLowerCase().contains("like");
                if (expected.stream().noneMatch(e -> like ? glob(e).matcher(actual).matches() : e.equals(actual))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }

    private static boolean anyOf(JsonNode node, String... accepted) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText().toLowerCase()));
        } else if (node.isTextual()) {
            values.add(node.asText().toLowerCase());
        }
        for (String a : accepted) {
            if (values.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasConfiguration(String bucket) {
        return !configuration(bucket).topicConfigurations().isEmpty();
    }

    private static boolean isBookkeeping(String key) {
        return key != null && key.contains(MPU_STUB_MARKER);
    }

    private String nextSequencer() {
        return String.format("%016X", sequencer.incrementAndGet());
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String requestId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    private static String hostId() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
