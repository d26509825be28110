package dev.sqsrouter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sqsrouter.AppCommandLine;
import dev.sqsrouter.AppCommandLine.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * java -jar sqs-router.jar cloudformation / iam-policy as an operator runs them, each in a JVM of its own: the
 * template and the policy on standard output for the configuration layers the app reads, no AWS endpoint anywhere,
 * and a configuration mistake as a message on standard error with exit code 1.
 */
class DeploymentCommandTest {

    /** What a command printed on each stream and how it ended. */

    @Test
    void withTheShippedConfigurationTheCommandsPrintTheFilesOfDeploy(@TempDir Path temp) throws Exception {
        Result template = run(temp, "cloudformation", Path.of("."), Map.of(), Map.of());
        assertEquals(0, template.exitCode(), template.stderr());
        assertEquals(Files.readString(Path.of("deploy", "cloudformation.yaml")), template.stdout(),
                "deploy/cloudformation.yaml is the command's output");

        Result policy = run(temp, "iam-policy", Path.of("."), Map.of(), Map.of());
        assertEquals(0, policy.exitCode(), policy.stderr());
        assertEquals(Files.readString(Path.of("deploy", "iam-policy.json")), policy.stdout(),
                "deploy/iam-policy.json is the command's output");
    }

    @Test
    void theCommandsReadTheWorkingDirectoryFileTheEnvironmentAndSystemProperties(@TempDir Path temp) throws Exception {
        Path workingDirectory = Files.createDirectory(temp.resolve("app"));
        Files.writeString(workingDirectory.resolve("application.properties"), String.join("\n",
                "# a relay queue and an S3 event queue of the deployer's own, and the sample's queue-2 kept and renamed",
                "relay.queues.orders.queue=orders.fifo",
                "relay.queues.orders.url=http://orders.internal/",
                "relay.queues.queue-2.queue=queue-2-from-file.fifo",
                "s3events.queues.invoices.processor=audit",
                "s3events.bucket=invoices-from-file",
                "s3events.topic=from-file",
                ""));
        Map<String, String> environment = Map.of("S3EVENTS_TOPIC", "from-env");
        Map<String, String> properties = Map.of("failures.table", "from-system-property");

        Result template = run(temp, "cloudformation", workingDirectory, environment, properties);
        assertEquals(0, template.exitCode(), template.stderr());
        assertEquals("", template.stderr(), "nothing but the template is printed, and nothing is logged");
        JsonNode resources = new YAMLMapper().readTree(template.stdout()).path("Resources");
        assertEquals("orders.fifo", resources.path("RelayQueueOrders").path("Properties").path("QueueName").asText(),
                "the working directory's file");
        assertEquals("queue-2-from-file.fifo", resources.path("RelayQueueQueue2").path("Properties").path("QueueName").asText(),
                "the working directory's file over the packaged defaults");
        assertTrue(resources.path("RelayQueueQueue1").isMissingNode(),
                "a deployment that declares queues of its own drops the sample blocks it does not name");
        assertTrue(resources.path("S3EventQueueImageThumbnails").isMissingNode() && resources.path("S3EventQueueImageAudit").isMissingNode()
                && template.stdout().contains("invoices"), "the S3 event queues are the deployer's alone");
        assertEquals("invoices-from-file", resources.path("S3EventsBucket").path("Properties").path("BucketName").asText());
        assertEquals("from-env", resources.path("S3EventsTopic").path("Properties").path("TopicName").asText(),
                "the environment over the file");
        assertEquals("from-system-property", resources.path("FailureTable").path("Properties").path("TableName").asText());

        Result policy = run(temp, "iam-policy", workingDirectory, environment, properties);
        assertEquals(0, policy.exitCode(), policy.stderr());
        JsonNode statements = new ObjectMapper().readTree(policy.stdout()).path("Statement");
        Set<String> relayQueues = new TreeSet<>();
        statements.forEach(statement -> {
            if (statement.path("Sid").asText().equals("RelayQueues")) {
                statement.path("Resource").forEach(arn -> relayQueues.add(arn.asText()));
            }
        });
        assertEquals(Set.of("arn:aws:sqs:REGION:ACCOUNT_ID:orders.fifo", "arn:aws:sqs:REGION:ACCOUNT_ID:queue-2-from-file.fifo"),
                relayQueues);
    }

    @Test
    void aConfigurationMistakeEndsWithExitCodeOneAndWhatToFixOnStandardError(@TempDir Path temp) throws Exception {
        Result result = run(temp, "cloudformation", Path.of("."), Map.of(),
                Map.of("relay.queues.queue-1.urll", "http://127.0.0.1:8000/"));
        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stderr().contains("cloudformation failed: relay.queues.queue-1.urll: 'urll' is not a setting of"
                + " a queue under relay.queues; the settings are queue, url, dead-letter-queue"), result.stderr());
        assertEquals("", result.stdout(), "no half template to redirect into a file");
    }

    private static Result run(Path temp, String command, Path workingDirectory, Map<String, String> environment,
            Map<String, String> properties) throws IOException, InterruptedException {
        return AppCommandLine.run(temp, List.of(command), workingDirectory, environment, properties);
    }
}
