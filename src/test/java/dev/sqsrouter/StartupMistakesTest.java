package dev.sqsrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes a newcomer makes in a first application.properties (or on the command line): each stops the start
 * with one line on standard error that says what to write, and a non-zero exit; no stack trace. Nothing reaches AWS:
 * each is found before a route starts.
 */
class StartupMistakesTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ingress.api-keys= | no API key is configured, so the ingress will not start: set the environment variable INGRESS_API_KEYS",
            "relay.queues.orders.url= | missing configuration: relay.queues.orders.url (the response server the relay posts",
            "relay.visibility-timeout=abc | relay.visibility-timeout=abc is not a whole number",
            "relay.queues.orders.queue2=x | relay.queues.orders.queue2: 'queue2' is not a setting of a queue under relay.queues;",
            "s3events.thumbnail.decode-memory=10 | s3events.thumbnail.decode-memory must be between 1024 and"})
    void aConfigurationMistakeIsOneLineThatSaysWhatToWrite(String mistake, String line) throws Exception {
        Path directory = Files.createDirectory(temp.resolve("app"));
        Files.writeString(directory.resolve("application.properties"), String.join("\n",
                "aws.region=us-east-1", "aws.credentials=sandbox",
                "ingress.api-keys=a-key", "admin.api-keys=an-admin-key",
                "relay.queues.orders.queue=orders.fifo", "relay.queues.orders.url=http://127.0.0.1:9/",
                "s3events.enabled=" + mistake.startsWith("s3events"), "s3events.bucket=photos", "s3events.topic=photo-added",
                "s3events.queues.photos.queue=photos", "s3events.queues.photos.processor=thumbnail",
                "s3events.audit.url=http://127.0.0.1:9/",
                "camel.server.port=0", "camel.management.port=0",
                mistake.trim(), ""));

        AppCommandLine.Result result = AppCommandLine.run(temp, List.of(), directory, Map.of(), Map.of());

        assertNotEquals(0, result.exitCode(), result.stderr());
        assertOneLine(result.stderr(), "sqs-router cannot start: " + line.trim());
    }

    @Test
    void aSettingGivenAfterTheJarIsNamedNotShownTheHelpScreen() throws Exception {
        AppCommandLine.Result result = AppCommandLine.run(temp, List.of("-Drelay.enabled=false"), temp, Map.of(), Map.of());

        assertEquals(2, result.exitCode(), result.stderr());
        assertOneLine(result.stderr(), "sqs-router cannot start: -Drelay.enabled=false comes after the jar, where Java passes it"
                + " to the app as an argument: put settings before -jar (java -Dname=value -jar sqs-router.jar)");
        assertFalse(result.stdout().contains("Apache Camel Runner"), result.stdout());
    }

    /** The line is there, alone on its line, and nothing looks like a stack trace. */
    private static void assertOneLine(String stderr, String expectedStart) {
        List<String> lines = stderr.lines().filter(l -> l.startsWith("sqs-router cannot start: ")).toList();
        assertEquals(1, lines.size(), stderr);
        assertEquals(true, lines.get(0).startsWith(expectedStart), "expected " + expectedStart + "\nin:\n" + stderr);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception in thread"), "no stack trace:\n" + stderr);
    }
}
