package dev.sqsrouter.alerts;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.sqsrouter.config.Topology;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The beans of the alert flow (routes/failure-alerts.yaml, routes/failure-alerts-publish.yaml). */
public class AlertBeans implements CamelConfiguration {

    @PropertyInject(value = "alerts.enabled", defaultValue = "true")
    private boolean enabled;
    @PropertyInject(value = "alerts.topic", defaultValue = "sqs-router-alerts")
    private String topic;
    @PropertyInject(value = "alerts.window-seconds", defaultValue = "60")
    private int windowSeconds;
    @PropertyInject(value = "console.base-url", defaultValue = "http://127.0.0.1:8080")
    private String consoleBaseUrl;

    @BindToRegistry("failureAlerts")
    public FailureAlerts failureAlerts(CamelContext camelContext) {
        Topology topology = Topology.of(camelContext);
        Map<String, String> aliasByQueue = new HashMap<>();
        topology.relay().queues().forEach(q -> aliasByQueue.put(q.queue(), q.alias()));
        topology.s3Events().ifPresent(s3 -> s3.queues().forEach(q -> aliasByQueue.put(q.queue(), q.name())));
        return new FailureAlerts(aliasByQueue, consoleBaseUrl, Duration.ofSeconds(windowSeconds), Clock.systemUTC());
    }

    @BindToRegistry("alertDigest")
    public AlertDigestStrategy alertDigest() {
        return new AlertDigestStrategy();
    }

    @BindToRegistry("alertTopic")
    public AlertTopic alertTopic(SnsClient snsClient) {
        if (enabled && (topic == null || topic.isBlank())) {
            throw new IllegalArgumentException("alerts.topic is empty: name the SNS topic alerts go to (or give its ARN),"
                    + " or set alerts.enabled=false");
        }
        var configuration = snsClient.serviceClientConfiguration();
        return new AlertTopic(topic == null || topic.isBlank() ? "-" : topic, configuration.region(), () -> {
            // the account of the credentials the app runs with, in the SNS client's region
            try (StsClient sts = StsClient.builder().region(configuration.region())
                    .credentialsProvider(configuration.credentialsProvider()).build()) {
                return sts.getCallerIdentity().account();
            }
        });
    }
}
