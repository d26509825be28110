package dev.sqsrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.sqsrouter.sandbox.MotoServer;
import org.junit.jupiter.api.Test;

/** java -jar sqs-router.jar provision, against moto: everything the configuration names, then all of it found again. */
class ProvisionCommandTest {

    @Test
    void provisionCreatesTheRelayAndTheS3EventsFanOutThenFindsThemAgain() throws Exception {
        MotoServer moto = MotoServer.shared();
        String n = "cmd" + ProcessHandle.current().pid();
        Map<String, String> properties = moto.appProperties();
        properties.put("relay.aliases", "queue-1");
        properties.put("relay.queue-1.queue", n + "-queue-1.fifo");
        properties.put("relay.queue-1.dead-letter-queue", n + "-queue-1-dlq.fifo");
        properties.put("failures.table", n + "-failures");
        properties.put("failures.large-body-bucket", n + "-failure-bodies");
        properties.put("s3events.bucket", n + "-images");
        properties.put("s3events.topic", n + "-imageAdded");
        // thumbnails go to the source bucket, as shipped
        properties.put("s3events.thumbnail.bucket", n + "-images");
        properties.put("s3events.image-thumbnails.queue", n + "-image-thumbnails");
        properties.put("s3events.image-audit.queue", n + "-image-audit");
        properties.put("s3events.image-thumbnails.dead-letter-queue", n + "-image-thumbnails-dlq");
        properties.put("s3events.image-audit.dead-letter-queue", n + "-image-audit-dlq");

        ProvisionCommand.Result first = ProvisionCommand.run(properties);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals(List.of(
                "created queue " + n + "-queue-1-dlq.fifo",
                "created queue " + n + "-queue-1.fifo",
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
                "created notifications " + n + "-images -> " + n + "-imageAdded"), first.report(), first.output());

        ProvisionCommand.Result second = ProvisionCommand.run(properties);
        assertEquals(0, second.exitCode(), second.output());
        assertEquals(first.report().stream().map(l -> l.replace("created ", "exists  ")).toList(), second.report());
    }

    @Test
    void aConfigurationMistakeEndsTheCommandWithANonZeroExitAndWhatToFix() throws Exception {
        MotoServer moto = MotoServer.shared();
        Map<String, String> properties = moto.appProperties();
        properties.put("s3events.queues", "");
        ProvisionCommand.Result result = ProvisionCommand.run(properties);
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("provision failed: s3events.queues is empty"), result.output());
    }
}
