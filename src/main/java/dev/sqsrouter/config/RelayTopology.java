package dev.sqsrouter.config;

import dev.sqsrouter.provision.Provisioner;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.spi.PropertiesComponent;

/** The relay's queues as configuration names them: relay.aliases and, per alias, relay.&lt;alias&gt;.queue etc. */
public record RelayTopology(List<Queue> queues, int maxReceiveCount, int visibilityTimeout, String failureTable,
        String failureBodiesBucket) {

    /** Without a bucket for failure bodies too large for the table. */
    public RelayTopology(List<Queue> queues, int maxReceiveCount, int visibilityTimeout, String failureTable) {
        this(queues, maxReceiveCount, visibilityTimeout, failureTable, "");
    }

    /** One relayed queue: its ingress alias, the queue, its dead-letter queue and its response server. */
    public record Queue(String alias, String queue, String deadLetterQueue, String target) {
    }

    public static RelayTopology from(PropertiesComponent properties) {
        List<Queue> queues = new ArrayList<>();
        for (String alias : properties.resolveProperty("relay.aliases").orElse("").split(",")) {
            alias = alias.trim();
            if (alias.isEmpty()) {
                continue;
            }
            queues.add(new Queue(alias, required(properties, "relay." + alias + ".queue"),
                    required(properties, "relay." + alias + ".dead-letter-queue"),
                    required(properties, "relay." + alias + ".url")));
        }
        return new RelayTopology(queues,
                Integer.parseInt(properties.resolveProperty("relay.max-receive-count").orElse("5").trim()),
                Integer.parseInt(properties.resolveProperty("relay.visibility-timeout").orElse("60").trim()),
                required(properties, "failures.table"),
                properties.resolveProperty("failures.large-body-bucket").map(String::trim).orElse(""));
    }

    public void provision(Provisioner provisioner) {
        for (Queue queue : queues) {
            provisioner.queueWithDeadLetterQueue(queue.queue(), queue.deadLetterQueue(), maxReceiveCount, visibilityTimeout);
        }
        provisioner.failureTable(failureTable);
        if (failureBodiesBucket != null && !failureBodiesBucket.isBlank()) {
            // where the failure store keeps bodies too large for a DynamoDB item
            provisioner.bucket(failureBodiesBucket);
        }
    }

    private static String required(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("missing configuration: " + key
                        + " (application.properties, or the environment variable "
                        + key.toUpperCase().replaceAll("[.-]", "_") + ")"));
    }
}
