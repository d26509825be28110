package dev.sqsrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqsrouter.sqs.MessageLogContext;
import dev.sqsrouter.sqs.SqsMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped log4j2 configuration, in a JVM of its own as the jar runs it: the date has its zone, a line about a
 * message names its route, queue, group and message id, and logging.format=json switches every line to one JSON
 * object with the same context as fields.
 */
class LoggingFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void textLinesHaveTheDateWithItsZoneAndTheMessageContext() throws Exception {
        List<String> lines = probe("text");

        String about = lines.stream().filter(line -> line.contains("relayed after 2 attempts")).findFirst().orElseThrow();
        assertTrue(about.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z WARN  \\[main\\] Probe route=relay-queue-1"
                + " queue=queue-1.fifo group=g-7 message=m-42 - relayed after 2 attempts"), about);
        String other = lines.stream().filter(line -> line.contains("no message here")).findFirst().orElseThrow();
        assertTrue(other.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z INFO  \\[main\\] Probe - no message here"), other);
    }

    @Test
    void jsonLayoutIsOneObjectPerLineWithTheContextAsFields() throws Exception {
        List<String> lines = probe("json");

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(JSON.readTree(line));
        }
        JsonNode about = events.stream().filter(e -> e.path("message").asText().equals("relayed after 2 attempts")).findFirst().orElseThrow();
        assertEquals("WARN", about.path("log.level").asText());
        assertEquals("relay-queue-1", about.path(MessageLogContext.ROUTE).asText());
        assertEquals("queue-1.fifo", about.path(MessageLogContext.QUEUE).asText());
        assertEquals("g-7", about.path(MessageLogContext.GROUP).asText());
        assertEquals("m-42", about.path(MessageLogContext.MESSAGE_ID).asText());
        // ISO 8601 with its zone: parses as an offset date-time
        OffsetDateTime.parse(about.path("@timestamp").asText());
        JsonNode other = events.stream().filter(e -> e.path("message").asText().equals("no message here")).findFirst().orElseThrow();
        assertFalse(other.has(MessageLogContext.QUEUE), other.toString());
    }

    @Test
    void theFormatComesFromTheLayersInTheAppsOrder() throws IOException {
        Path file = directory.resolve("application.properties");
        ClassLoader packaged = getClass().getClassLoader();
        assertEquals("text", LoggingFormat.resolve(new Properties(), Map.of(), file, packaged), "the shipped default");

        Files.writeString(file, "logging.format=json\n");
        assertEquals("json", LoggingFormat.resolve(new Properties(), Map.of(), file, packaged));
        assertEquals("text", LoggingFormat.resolve(new Properties(), Map.of("LOGGING_FORMAT", "TEXT"), file, packaged));
        Properties system = new Properties();
        system.setProperty("logging.format", "json");
        assertEquals("json", LoggingFormat.resolve(system, Map.of("LOGGING_FORMAT", "text"), file, packaged));
    }

    @Test
    void anUnknownFormatStopsTheStartAndSaysWhatToWrite() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> LoggingFormat.resolve(new Properties(), Map.of("LOGGING_FORMAT", "xml"), directory.resolve("none"),
                        getClass().getClassLoader()));
        assertTrue(refused.getMessage().contains("LOGGING_FORMAT is 'xml'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("text") && refused.getMessage().contains("json"), refused.getMessage());
    }

    /** Runs {@link Probe} with the shipped configuration (not the tests' own) and the given format; its output lines. */
    private List<String> probe(String format) throws Exception {
        Path config = Path.of("target", "classes", "log4j2.properties").toAbsolutePath();
        Path out = directory.resolve(format + ".log");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                "-Dlog4j2.configurationFile=" + config,
                "-Dlogging.format=" + format,
                Probe.class.getName())
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
        assertEquals(0, process.exitValue(), String.join("\n", lines));
        return lines;
    }

    /** Logs one line about a message and one about none, as the app does, after choosing the format as the app does. */
    public static final class Probe {

        public static void main(String[] args) {
            LoggingFormat.apply();
            Logger log = LoggerFactory.getLogger("Probe");
            MessageLogContext.enter("relay-queue-1", new SqsMessage("queue-1.fifo", "m-42", "receipt", "g-7", "1", 2,
                    null, null, "{}", null));
            log.warn("relayed after 2 attempts");
            MessageLogContext.leave();
            log.info("no message here");
        }
    }
}
