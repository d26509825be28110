package dev.sqsrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.sqsrouter.sandbox.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration layers as an operator meets them, in a JVM of its own: the packaged application.properties,
 * then an application.properties in the working directory, then environment variables. The provision command
 * shows which values won in what it creates.
 */
class ConfigurationLayersTest {

    @Test
    void workingDirectoryFileOverridesThePackagedDefaultsAndTheEnvironmentOverridesBoth(@TempDir Path workingDirectory)
            throws Exception {
        String run = "layers" + System.nanoTime();
        Files.writeString(workingDirectory.resolve("application.properties"), String.join("\n",
                "failures.table=" + run + "-table-from-file",
                "relay.queues.queue-1.queue=" + run + "-from-file.fifo",
                "relay.queues.queue-2.queue=" + run + "-queue-2-from-file.fifo",
                ""));
        MotoServer moto = MotoServer.shared();
        Map<String, String> properties = moto.appProperties();
        properties.put("s3events.bucket", run + "-images");
        properties.put("s3events.thumbnail.bucket", run + "-images");

        ProvisionCommand.Result result = ProvisionCommand.run(properties, workingDirectory,
                Map.of("RELAY_QUEUES_QUEUE_1_QUEUE", run + "-from-env.fifo"));

        assertEquals(0, result.exitCode(), result.output());
        List<String> report = result.report();
        assertTrue(report.contains("created queue " + run + "-from-env.fifo"), report.toString());
        assertFalse(report.stream().anyMatch(line -> line.contains(run + "-from-file.fifo")), report.toString());
        assertTrue(report.contains("created queue " + run + "-queue-2-from-file.fifo"), report.toString());
        assertTrue(report.contains("created table " + run + "-table-from-file"), report.toString());
        // untouched keys keep the packaged defaults
        assertTrue(report.stream().anyMatch(line -> line.endsWith(" queue queue-1-dlq.fifo")), report.toString());
    }
}
