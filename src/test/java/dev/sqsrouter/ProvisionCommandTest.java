package dev.sqsrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.sqsrouter.sandbox.MotoServer;
import org.junit.jupiter.api.Test;

/**
 * java -jar sqs-router.jar provision, against moto: everything the configuration names (the alert topic last), then all
 * of it found again.
 */
class ProvisionCommandTest {

    @Test
    void provisionCreatesTheRelayAndTheS3EventsFanOutThenFindsThemAgain() throws Exception {
        MotoServer moto = MotoServer.shared();
        String n = "cmd" + ProcessHandle.current().pid();
        Map<String, String> properties = moto.appProperties();
        for (String alias : List.of("queue-1", "queue-2")) {
            properties.put("relay.queues." + alias + ".queue", n + "-" + alias + ".fifo");
            properties.put("relay.queues." + alias + ".dead-letter-queue", n + "-" + alias + "-dlq.fifo");
        }
        properties.put("failures.table", n + "-failures");
        properties.put("failures.large-body-bucket", n + "-failure-bodies");
        properties.put("s3events.bucket", n + "-images");
        properties.put("s3events.topic", n + "-imageAdded");
        // thumbnails go to the source bucket, as shipped
        properties.put("s3events.thumbnail.bucket", n + "-images");
        properties.put("s3events.queues.image-thumbnails.queue", n + "-image-thumbnails");
        properties.put("s3events.queues.image-audit.queue", n + "-image-audit");
        properties.put("s3events.queues.image-thumbnails.dead-letter-queue", n + "-image-thumbnails-dlq");
        properties.put("s3events.queues.image-audit.dead-letter-queue", n + "-image-audit-dlq");
        properties.put("alerts.topic", n + "-alerts");

        ProvisionCommand.Result first = ProvisionCommand.run(properties);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals(List.of(
                "created queue " + n + "-queue-1-dlq.fifo",
                "created queue " + n + "-queue-1.fifo",
                "created queue " + n + "-queue-2-dlq.fifo",
                "created queue " + n + "-queue-2.fifo",
                "created table " + n + "-failures",
                "created bucket " + n + "-failure-bodies",
                "created bucket " + n + "-images",
                "created topic " + n + "-imageAdded",
                "created queue " + n + "-image-thumbnails-dlq",
                "created queue " + n + "-image-thumbnails",
                "created subscription " + n + "-imageAdded -> " + n + "-image-thumbnails",
                "created queue " + n + "-image-audit-dlq",
                "created queue " + n + "-image-audit",
                "created subscription " + n + "-imageAdded -> " + n + "-image-audit",
                "created notifications " + n + "-images -> " + n + "-imageAdded",
                "created topic " + n + "-alerts"), first.report(), first.output());

        ProvisionCommand.Result second = ProvisionCommand.run(properties);
        assertEquals(0, second.exitCode(), second.output());
        assertEquals(first.report().stream().map(l -> l.replace("created ", "exists  ")).toList(), second.report());
    }

    @Test
    void aConfigurationMistakeEndsTheCommandWithANonZeroExitAndWhatToFix() throws Exception {
        MotoServer moto = MotoServer.shared();
        Map<String, String> properties = moto.appProperties();
        // a typo in a queue's block: refused with the settings there are, nothing created
        properties.put("relay.queues.queue-1.urll", "http://127.0.0.1:8000/");
        ProvisionCommand.Result result = ProvisionCommand.run(properties);
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("provision failed: relay.queues.queue-1.urll: 'urll' is not a setting of a"
                + " queue under relay.queues; the settings are queue, url, dead-letter-queue"), result.output());
        assertTrue(result.report().isEmpty(), result.output());
    }
}
