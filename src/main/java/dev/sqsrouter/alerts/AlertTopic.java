package dev.sqsrouter.alerts;

import java.util.function.Supplier;

import software.amazon.awssdk.regions.Region;

/**
 * The alert topic's ARN, which aws2-sns is given: with a topic name, the endpoint would list every topic of the account
 * when it starts (sns:ListTopics on *, and an SNS outage at start-up would stop the app). alerts.topic is an ARN, used
 * as it is, or a name, whose ARN is built from the region and the account; the account is asked for on first use
 * (STS GetCallerIdentity, which needs no permission) and kept once known.
 */
public class AlertTopic {

    private final String topic;
    private final Region region;
    private final Supplier<String> account;
    private volatile String arn;

    public AlertTopic(String topic, Region region, Supplier<String> account) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("alerts.topic is empty: name the SNS topic alerts go to (or its ARN),"
                    + " or set alerts.enabled=false");
        }
        this.topic = topic.trim();
        this.region = region;
        this.account = account;
        if (this.topic.startsWith("arn:")) {
            arn = this.topic;
        }
    }

    /** The ARN, built on first use when only a name is configured. */
    public String arn() {
        String known = arn;
        if (known == null) {
            String partition = region.metadata() != null ? region.metadata().partition().id() : "aws";
            known = "arn:" + partition + ":sns:" + region.id() + ":" + account.get() + ":" + topic;
            arn = known;
        }
        return known;
    }

    /** The topic's name: the configured name, or the last part of the configured ARN. */
    public String name() {
        return name(topic);
    }

    /** The name of a topic given by name or ARN. */
    public static String name(String topicOrArn) {
        String trimmed = topicOrArn.trim();
        return trimmed.startsWith("arn:") ? trimmed.substring(trimmed.lastIndexOf(':') + 1) : trimmed;
    }
}
