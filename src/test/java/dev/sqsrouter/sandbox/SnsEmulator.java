package dev.sqsrouter.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * An in-process SNS for the sandbox and tests: the AWS Query protocol that the SDK's SnsClient speaks (form POST,
 * XML answers) on 127.0.0.1, with topics and SQS subscriptions delivered to the ElasticMQ it is given. A publication
 * reaches every subscribed queue at once, wrapped in the notification envelope SNS writes (or raw, when the
 * subscription asks for raw delivery). Topic and queue policies are stored, not enforced.
 */
public final class SnsEmulator implements AutoCloseable {

    /** The account ElasticMQ uses too, so that queue ARNs and topic ARNs look alike. */
    public static final String ACCOUNT = "000000000000";
    public static final String REGION = "us-east-1";
    public static final int DEFAULT_PORT = 9911;

    private static final Logger LOG = LoggerFactory.getLogger(SnsEmulator.class);
    private static final String XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";
    private static final int PAGE_SIZE = 100;
    private static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}(\\.fifo)?");
    private static final Pattern SQS_ARN = Pattern.compile("arn:aws:sqs:[a-z0-9-]+:\\d{12}:([A-Za-z0-9_.-]{1,80})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final SqsClient sqs;
    private final KeyPair signingKey;
    /** Topics and subscriptions by ARN, in creation order; guarded by this. */
    private final Map<String, TopicState> topics = new LinkedHashMap<>();
    private final Map<String, SubscriptionState> subscriptions = new LinkedHashMap<>();

    private record TopicState(String arn, String name, Map<String, String> attributes) {
    }

    private record SubscriptionState(String arn, String topicArn, String protocol, String endpoint,
                                     Map<String, String> attributes) {
        boolean raw() {
            return "true".equalsIgnoreCase(attributes.getOrDefault("RawMessageDelivery", "false"));
        }
    }

    /** One publication, as Publish and PublishBatch receive it. */
    private record Publication(String message, String subject, String structure, Map<String, Attribute> attributes,
                               String groupId, String deduplicationId) {
    }

    /** A message attribute: DataType String, Number, Binary or String.Array. */
    private record Attribute(String dataType, String stringValue, String binaryValue) {
    }

    /** An error answered the way SNS answers it. */
    private static final class SnsError extends RuntimeException {
        final int status;
        final String code;

        SnsError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private SnsEmulator(int port, SqsClient sqs) throws IOException {
        this.sqs = sqs;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.signingKey = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts on the port (0 = any free port), delivering to the SQS (ElasticMQ) at sqsEndpoint. */
    public static SnsEmulator start(int port, String sqsEndpoint) throws IOException {
        return new SnsEmulator(port, AwsTestClients.sqs(sqsEndpoint));
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The ARN CreateTopic gives a topic of this name. */
    public static String topicArn(String name) {
        return "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + name;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        sqs.close();
    }

    // --- HTTP ----------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = UUID.randomUUID().toString();
            String xml;
            int status = 200;
            try {
                Map<String, String> params = new LinkedHashMap<>(parseForm(exchange.getRequestURI().getRawQuery()));
                if ("POST".equals(exchange.getRequestMethod())) {
                    try (InputStream in = exchange.getRequestBody()) {
                        params.putAll(parseForm(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    }
                }
                String action = params.get("Action");
                if (action == null) {
                    // the SigningCertURL of an envelope points here: say what is missing instead of a bare 404
                    throw new SnsError(404, "NotFound", "the sandbox SNS serves the Query API only (no Action given);"
                            + " its signatures use a key without a published certificate");
                }
                xml = response(action, dispatch(action, params), requestId);
            } catch (SnsError e) {
                status = e.status;
                xml = error(e, requestId);
            } catch (RuntimeException e) {
                LOG.warn("sandbox SNS request failed", e);
                status = 500;
                xml = error(new SnsError(500, "InternalError", String.valueOf(e.getMessage())), requestId);
            }
            byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private String dispatch(String action, Map<String, String> params) {
        return switch (action) {
            case "CreateTopic" -> createTopic(params);
            case "DeleteTopic" -> deleteTopic(params);
            case "GetTopicAttributes" -> getTopicAttributes(params);
            case "SetTopicAttributes" -> setTopicAttributes(params);
            case "ListTopics" -> listTopics(params);
            case "Subscribe" -> subscribe(params);
            case "Unsubscribe" -> unsubscribe(params);
            case "GetSubscriptionAttributes" -> getSubscriptionAttributes(params);
            case "SetSubscriptionAttributes" -> setSubscriptionAttributes(params);
            case "ListSubscriptionsByTopic" -> listSubscriptions(params, required(params, "TopicArn"));
            case "ListSubscriptions" -> listSubscriptions(params, null);
            case "Publish" -> publish(params);
            case "PublishBatch" -> publishBatch(params);
            default -> throw new SnsError(400, "InvalidAction", "The action " + action + " is not valid for this endpoint.");
        };
    }

    // --- topics --------------------------------------------------------------------------------------------------

    private synchronized String createTopic(Map<String, String> params) {
        String name = required(params, "Name");
        Map<String, String> attributes = entries(params, "Attributes", "key", "value");
        boolean fifo = "true".equalsIgnoreCase(attributes.get("FifoTopic"));
        if (!TOPIC_NAME.matcher(name).matches() || fifo != name.endsWith(".fifo")) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Topic Name");
        }
        String arn = topicArn(name);
        TopicState topic = topics.get(arn);
        if (topic == null) {
            topic = new TopicState(arn, name, new TreeMap<>());
            topic.attributes().put("Policy", defaultPolicy(arn));
            topic.attributes().put("DisplayName", "");
            topics.put(arn, topic);
        }
        // CreateTopic is idempotent; attributes given again are applied again
        topic.attributes().putAll(attributes);
        return "<TopicArn>" + xml(arn) + "</TopicArn>";
    }

    private synchronized String deleteTopic(Map<String, String> params) {
        String arn = required(params, "TopicArn");
        topics.remove(arn);
        subscriptions.values().removeIf(s -> s.topicArn().equals(arn));
        return null;
    }

    private synchronized String getTopicAttributes(Map<String, String> params) {
        TopicState topic = topic(required(params, "TopicArn"));
        Map<String, String> attributes = new TreeMap<>(topic.attributes());
        attributes.put("TopicArn", topic.arn());
        attributes.put("Owner", ACCOUNT);
        long confirmed = subscriptions.values().stream().filter(s -> s.topicArn().equals(topic.arn())).count();
        attributes.put("SubscriptionsConfirmed", Long.toString(confirmed));
        attributes.put("SubscriptionsPending", "0");
        attributes.put("SubscriptionsDeleted", "0");
        attributes.putIfAbsent("EffectiveDeliveryPolicy", "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,"
                + "\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,"
                + "\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},\"disableSubscriptionOverrides\":false}}");
        return attributesXml(attributes);
    }

    private synchronized String setTopicAttributes(Map<String, String> params) {
        TopicState topic = topic(required(params, "TopicArn"));
        String name = required(params, "AttributeName");
        String value = params.getOrDefault("AttributeValue", "");
        if ("Policy".equals(name)) {
            validJson(value, "Policy");
        }
        topic.attributes().put(name, value);
        return null;
    }

    private synchronized String listTopics(Map<String, String> params) {
        List<String> arns = new ArrayList<>(topics.keySet());
        int from = pageStart(params);
        StringBuilder out = new StringBuilder("<Topics>");
        for (String arn : arns.subList(Math.min(from, arns.size()), Math.min(from + PAGE_SIZE, arns.size()))) {
            out.append("<member><TopicArn>").append(xml(arn)).append("</TopicArn></member>");
        }
        out.append("</Topics>");
        if (from + PAGE_SIZE < arns.size()) {
            out.append("<NextToken>").append(from + PAGE_SIZE).append("</NextToken>");
        }
        return out.toString();
    }

    // --- subscriptions -------------------------------------------------------------------------------------------

    private synchronized String subscribe(Map<String, String> params) {
        TopicState topic = topic(required(params, "TopicArn"));
        String protocol = required(params, "Protocol");
        String endpoint = required(params, "Endpoint");
        if (!"sqs".equals(protocol)) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Protocol " + protocol
                    + " (the sandbox SNS delivers to sqs endpoints only)");
        }
        if (!SQS_ARN.matcher(endpoint).matches()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: SQS endpoint ARN");
        }
        Map<String, String> attributes = entries(params, "Attributes", "key", "value");
        checkSubscriptionAttributes(attributes);
        for (SubscriptionState existing : subscriptions.values()) {
            if (existing.topicArn().equals(topic.arn()) && existing.protocol().equals(protocol)
                    && existing.endpoint().equals(endpoint)) {
                for (Map.Entry<String, String> asked : attributes.entrySet()) {
                    if (!asked.getValue().equalsIgnoreCase(existing.attributes().getOrDefault(asked.getKey(), "false"))) {
                        throw new SnsError(400, "InvalidParameter",
                                "Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
                    }
                }
                return "<SubscriptionArn>" + xml(existing.arn()) + "</SubscriptionArn>";
            }
        }
        String arn = topic.arn() + ":" + UUID.randomUUID();
        Map<String, String> all = new TreeMap<>();
        all.put("RawMessageDelivery", "false");
        all.putAll(attributes);
        subscriptions.put(arn, new SubscriptionState(arn, topic.arn(), protocol, endpoint, all));
        return "<SubscriptionArn>" + xml(arn) + "</SubscriptionArn>";
    }

    private synchronized String unsubscribe(Map<String, String> params) {
        subscriptions.remove(required(params, "SubscriptionArn"));
        return null;
    }

    private synchronized String getSubscriptionAttributes(Map<String, String> params) {
        SubscriptionState subscription = subscription(required(params, "SubscriptionArn"));
        Map<String, String> attributes = new TreeMap<>(subscription.attributes());
        attributes.put("SubscriptionArn", subscription.arn());
        attributes.put("TopicArn", subscription.topicArn());
        attributes.put("Protocol", subscription.protocol());
        attributes.put("Endpoint", subscription.endpoint());
        attributes.put("Owner", ACCOUNT);
        attributes.put("PendingConfirmation", "false");
        attributes.put("ConfirmationWasAuthenticated", "true");
        return attributesXml(attributes);
    }

    private synchronized String setSubscriptionAttributes(Map<String, String> params) {
        SubscriptionState subscription = subscription(required(params, "SubscriptionArn"));
        Map<String, String> attribute = Map.of(required(params, "AttributeName"), params.getOrDefault("AttributeValue", ""));
        checkSubscriptionAttributes(attribute);
        subscription.attributes().putAll(attribute);
        return null;
    }

    private synchronized String listSubscriptions(Map<String, String> params, String topicArn) {
        if (topicArn != null) {
            topic(topicArn);
        }
        List<SubscriptionState> all = subscriptions.values().stream()
                .filter(s -> topicArn == null || s.topicArn().equals(topicArn)).toList();
        int from = pageStart(params);
        StringBuilder out = new StringBuilder("<Subscriptions>");
        for (SubscriptionState s : all.subList(Math.min(from, all.size()), Math.min(from + PAGE_SIZE, all.size()))) {
            out.append("<member><TopicArn>").append(xml(s.topicArn())).append("</TopicArn><Protocol>")
                    .append(xml(s.protocol())).append("</Protocol><SubscriptionArn>").append(xml(s.arn()))
                    .append("</SubscriptionArn><Owner>").append(ACCOUNT).append("</Owner><Endpoint>")
                    .append(xml(s.endpoint())).append("</Endpoint></member>");
        }
        out.append("</Subscriptions>");
        if (from + PAGE_SIZE < all.size()) {
            out.append("<NextToken>").append(from + PAGE_SIZE).append("</NextToken>");
        }
        return out.toString();
    }

    private static void checkSubscriptionAttributes(Map<String, String> attributes) {
        for (String name : attributes.keySet()) {
            switch (name) {
                case "RawMessageDelivery" -> {
                    String value = attributes.get(name);
                    if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
                        throw new SnsError(400, "InvalidParameter", "Invalid parameter: RawMessageDelivery: " + value);
                    }
                }
                case "RedrivePolicy", "DeliveryPolicy" -> {
                    // stored only: delivery to a local queue does not fail in ways these policies govern
                }
                // silently delivering what a filter should have dropped would mislead a test: refuse instead
                default -> throw new SnsError(400, "InvalidParameter", "Invalid parameter: AttributeName " + name
                        + " (the sandbox SNS supports RawMessageDelivery, RedrivePolicy and DeliveryPolicy)");
            }
        }
    }

    // --- publishing ----------------------------------------------------------------------------------------------

    private String publish(Map<String, String> params) {
        String topicArn = params.containsKey("TopicArn") ? params.get("TopicArn") : required(params, "TargetArn");
        String messageId = deliver(topicArn, publication(params, ""));
        return "<MessageId>" + messageId + "</MessageId>";
    }

    private String publishBatch(Map<String, String> params) {
        String topicArn = required(params, "TopicArn");
        StringBuilder ok = new StringBuilder("<Successful>");
        StringBuilder failed = new StringBuilder("<Failed>");
        for (int n = 1; params.containsKey("PublishBatchRequestEntries.member." + n + ".Id"); n++) {
            String prefix = "PublishBatchRequestEntries.member." + n + ".";
            String id = params.get(prefix + "Id");
            try {
                String messageId = deliver(topicArn, publication(params, prefix));
                ok.append("<member><Id>").append(xml(id)).append("</Id><MessageId>").append(messageId)
                        .append("</MessageId></member>");
            } catch (SnsError e) {
                if ("NotFound".equals(e.code)) {
                    throw e;
                }
                failed.append("<member><Id>").append(xml(id)).append("</Id><Code>").append(xml(e.code))
                        .append("</Code><Message>").append(xml(e.getMessage()))
                        .append("</Message><SenderFault>true</SenderFault></member>");
            }
        }
        return ok.append("</Successful>").toString() + failed.append("</Failed>");
    }

    private static Publication publication(Map<String, String> params, String prefix) {
        Map<String, String> sub = new LinkedHashMap<>();
        params.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                sub.put(key.substring(prefix.length()), value);
            }
        });
        String message = sub.get("Message");
        if (message == null || message.isEmpty()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Empty message");
        }
        if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Message too long");
        }
        String subject = sub.get("Subject");
        if (subject != null && (subject.isEmpty() || subject.length() > 100 || !subject.matches("[\\x20-\\x7E]+"))) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Subject");
        }
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        Pattern entry = Pattern.compile("MessageAttributes\\.entry\\.(\\d+)\\.Name");
        for (Map.Entry<String, String> e : sub.entrySet()) {
            Matcher m = entry.matcher(e.getKey());
            if (m.matches()) {
                String at = "MessageAttributes.entry." + m.group(1) + ".Value.";
                attributes.put(e.getValue(), new Attribute(sub.get(at + "DataType"), sub.get(at + "StringValue"),
                        sub.get(at + "BinaryValue")));
            }
        }
        return new Publication(message, subject, sub.get("MessageStructure"), attributes, sub.get("MessageGroupId"),
                sub.get("MessageDeduplicationId"));
    }

    /** Delivers to every subscription of the topic, at once; returns the message id. */
    private String deliver(String topicArn, Publication publication) {
        List<SubscriptionState> targets;
        boolean fifo;
        boolean contentDeduplication;
        synchronized (this) {
            TopicState topic = topic(topicArn);
            fifo = "true".equalsIgnoreCase(topic.attributes().get("FifoTopic"));
            contentDeduplication = "true".equalsIgnoreCase(topic.attributes().get("ContentBasedDeduplication"));
            targets = subscriptions.values().stream().filter(s -> s.topicArn().equals(topicArn))
                    .map(s -> new SubscriptionState(s.arn(), s.topicArn(), s.protocol(), s.endpoint(), Map.copyOf(s.attributes())))
                    .toList();
        }
        if (fifo && publication.groupId() == null) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
        }
        if (fifo && publication.deduplicationId() == null && !contentDeduplication) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: The topic should either have"
                    + " ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        }
        String message = messageFor(publication);
        String messageId = UUID.randomUUID().toString();
        String timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        for (SubscriptionState subscription : targets) {
            SendMessageRequest.Builder send = SendMessageRequest.builder();
            if (subscription.raw()) {
                send.messageBody(message).messageAttributes(sqsAttributes(publication.attributes()));
            } else {
                send.messageBody(envelope(messageId, topicArn, publication, message, timestamp, subscription.arn()));
            }
            if (fifo) {
                send.messageGroupId(publication.groupId()).messageDeduplicationId(publication.deduplicationId() != null
                        ? publication.deduplicationId() : sha256(message));
            }
            sendTo(subscription, send);
        }
        return messageId;
    }

    private void sendTo(SubscriptionState subscription, SendMessageRequest.Builder send) {
        Matcher arn = SQS_ARN.matcher(subscription.endpoint());
        if (!arn.matches()) {
            return;
        }
        try {
            String url = sqs.getQueueUrl(b -> b.queueName(arn.group(1))).queueUrl();
            sqs.sendMessage(send.queueUrl(url).build());
        } catch (QueueDoesNotExistException e) {
            // SNS drops what it cannot deliver to a deleted queue; say so, since nobody else will
            LOG.warn("sandbox SNS: {} has no queue {}; the message is dropped", subscription.arn(), subscription.endpoint());
        }
    }

    /** The envelope as SNS writes it for an SQS subscriber, with the same field order and pretty printing. */
    private String envelope(String messageId, String topicArn, Publication publication, String message, String timestamp,
                            String subscriptionArn) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", messageId);
        envelope.put("TopicArn", topicArn);
        if (publication.subject() != null) {
            envelope.put("Subject", publication.subject());
        }
        envelope.put("Message", message);
        envelope.put("Timestamp", timestamp);
        envelope.put("SignatureVersion", "1");
        envelope.put("Signature", sign(messageId, topicArn, publication.subject(), message, timestamp));
        envelope.put("SigningCertURL", endpoint() + "/SimpleNotificationService-sandbox.pem");
        envelope.put("UnsubscribeURL", endpoint() + "/?Action=Unsubscribe&SubscriptionArn="
                + URLEncoder.encode(subscriptionArn, StandardCharsets.UTF_8));
        if (!publication.attributes().isEmpty()) {
            ObjectNode attributes = envelope.putObject("MessageAttributes");
            publication.attributes().forEach((name, value) -> attributes.putObject(name)
                    .put("Type", value.dataType())
                    .put("Value", value.binaryValue() != null ? value.binaryValue() : value.stringValue()));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signature version 1: SHA1withRSA over the canonical notification string, with the emulator's own key. */
    private String sign(String messageId, String topicArn, String subject, String message, String timestamp) {
        StringBuilder canonical = new StringBuilder("Message\n").append(message).append("\nMessageId\n").append(messageId).append('\n');
        if (subject != null) {
            canonical.append("Subject\n").append(subject).append('\n');
        }
        canonical.append("Timestamp\n").append(timestamp).append("\nTopicArn\n").append(topicArn).append("\nType\nNotification\n");
        try {
            Signature signature = Signature.getInstance("SHA1withRSA");
            signature.initSign(signingKey.getPrivate());
            signature.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MessageStructure=json: one message per protocol, "default" for the others. */
    private static String messageFor(Publication publication) {
        if (!"json".equals(publication.structure())) {
            return publication.message();
        }
        JsonNode structure;
        try {
            structure = JSON.readTree(publication.message());
        } catch (JsonProcessingException e) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse");
        }
        if (!structure.path("default").isTextual()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body");
        }
        return structure.path("sqs").isTextual() ? structure.path("sqs").asText() : structure.path("default").asText();
    }

    private static Map<String, MessageAttributeValue> sqsAttributes(Map<String, Attribute> attributes) {
        Map<String, MessageAttributeValue> out = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            MessageAttributeValue.Builder v = MessageAttributeValue.builder().dataType(value.dataType());
            if (value.binaryValue() != null) {
                v.binaryValue(SdkBytes.fromByteArray(Base64.getDecoder().decode(value.binaryValue())));
            } else {
                v.stringValue(value.stringValue());
            }
            out.put(name, v.build());
        });
        return out;
    }

    // --- Query protocol ------------------------------------------------------------------------------------------

    private static String response(String action, String result, String requestId) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<")
                .append(action).append("Response xmlns=\"").append(XMLNS).append("\">");
        if (result != null) {
            out.append('<').append(action).append("Result>").append(result).append("</").append(action).append("Result>");
        }
        return out.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata></")
                .append(action).append("Response>").toString();
    }

    private static String error(SnsError e, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>"
                + (e.status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + xml(e.code) + "</Code><Message>"
                + xml(e.getMessage()) + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }

    private static String attributesXml(Map<String, String> attributes) {
        StringBuilder out = new StringBuilder("<Attributes>");
        attributes.forEach((key, value) -> out.append("<entry><key>").append(xml(key)).append("</key><value>")
                .append(xml(value)).append("</value></entry>"));
        return out.append("</Attributes>").toString();
    }

    /** A Query map parameter: Name.entry.N.key / Name.entry.N.value (the key and value labels vary by operation). */
    private static Map<String, String> entries(Map<String, String> params, String name, String keyLabel, String valueLabel) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int n = 1; params.containsKey(name + ".entry." + n + "." + keyLabel); n++) {
            out.put(params.get(name + ".entry." + n + "." + keyLabel), params.getOrDefault(name + ".entry." + n + "." + valueLabel, ""));
        }
        return out;
    }

    private static Map<String, String> parseForm(String form) {
        Map<String, String> out = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return out;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static int pageStart(Map<String, String> params) {
        String token = params.get("NextToken");
        try {
            return token == null || token.isEmpty() ? 0 : Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: NextToken");
        }
    }

    private TopicState topic(String arn) {
        TopicState topic = topics.get(arn);
        if (topic == null) {
            throw new SnsError(404, "NotFound", "Topic does not exist");
        }
        return topic;
    }

    private SubscriptionState subscription(String arn) {
        SubscriptionState subscription = subscriptions.get(arn);
        if (subscription == null) {
            throw new SnsError(404, "NotFound", "Subscription does not exist");
        }
        return subscription;
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: " + name);
        }
        return value;
    }

    private static void validJson(String value, String what) {
        try {
            JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new SnsError(400, "InvalidParameter", "Invalid parameter: " + what + " Error: not JSON");
        }
    }

    private static String defaultPolicy(String topicArn) {
        return "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":\"__default_statement_ID\","
                + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"SNS:GetTopicAttributes\","
                + "\"SNS:SetTopicAttributes\",\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\","
                + "\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],\"Resource\":\"" + topicArn
                + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":\"" + ACCOUNT + "\"}}}]}";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
