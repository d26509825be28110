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
    void textLinesEncodeTheControlCharactersOfUntrustedTextSoThatNoLineCanBeForgedNorTheTerminalDriven() throws Exception {
        List<String> lines = probe("text", HostileProbe.class);

        String refused = lines.stream().filter(line -> line.contains("refused object")).findFirst().orElseThrow();
        assertTrue(refused.endsWith(" WARN  [main] HostileProbe route=s3-audit queue=audit group=g\\u001b[31m"
                + " message=m\\n1 - refused object uploads/a\\nb\\u001b[31m.png\\r: body {\"k\":\"x\\ny\"}\\u0000\\u009b"),
                refused);
        String failed = lines.stream().filter(line -> line.contains("could not parse")).findFirst().orElseThrow();
        assertTrue(failed.endsWith(" ERROR [main] HostileProbe - could not parse"), failed);
        int at = lines.indexOf(failed);
        assertEquals("java.lang.IllegalStateException: bad key a\\nb\\u001b[31m\\n2026-12-02T10:00:00.000Z INFO  [main] forged",
                lines.get(at + 1), "the exception's message on one line, escaped");
        assertTrue(lines.get(at + 2).startsWith("\tat dev.sqsrouter.config.LoggingFormatTest$HostileProbe.main("),
                "the stack trace keeps its lines: " + lines.get(at + 2));
        assertTrue(lines.stream().anyMatch(line -> line.equals("Caused by: java.io.IOException: inner\\u001b]0;title\\u0007")),
                String.join("\n", lines));
        assertEquals(List.of(), lines.stream().filter(line -> line.contains("forged") && line.startsWith("2026-12-02")).toList(),
                "no line starts with a forged date");
        assertEquals(List.of(), lines.stream().filter(line -> line.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL
                && c != '\t')).toList(), "no control character but the stack trace's tabs");
    }

    @Test
    void jsonLinesKeepUntrustedTextExactly() throws Exception {
        List<String> lines = probe("json", HostileProbe.class);

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(JSON.readTree(line));
        }
        assertEquals(2, events.size(), String.join("\n", lines));
        JsonNode refused = events.get(0);
        assertEquals("refused object " + HostileProbe.KEY + ": body " + HostileProbe.BODY, refused.path("message").asText());
        assertEquals("g\u001b[31m", refused.path(MessageLogContext.GROUP).asText());
        assertEquals("m\n1", refused.path(MessageLogContext.MESSAGE_ID).asText());
        JsonNode failed = events.get(1);
        assertEquals("bad key a\nb\u001b[31m\n2026-12-02T10:00:00.000Z INFO  [main] forged",
                failed.path("error.message").asText());
        assertTrue(failed.path("error.stack_trace").asText().contains("Caused by: java.io.IOException: inner\u001b]0;title\u0007"),
                failed.toString());
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
        return probe(format, Probe.class);
    }

    private List<String> probe(String format, Class<?> main) throws Exception {
        Path config = Path.of("target", "classes", "log4j2.properties").toAbsolutePath();
        Path out = directory.resolve(format + ".log");
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                "-Dlog4j2.configurationFile=" + config,
                "-Dlogging.format=" + format,
                main.getName())
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

    /** Logs what an uploader and a producer control: an S3 key, a body, a group and a message id, and an exception. */
    public static final class HostileProbe {

        static final String KEY = "uploads/a\nb\u001b[31m.png\r";
        static final String BODY = "{\"k\":\"x\ny\"}\u0000\u009b";

        public static void main(String[] args) {
            LoggingFormat.apply();
            Logger log = LoggerFactory.getLogger("HostileProbe");
            MessageLogContext.enter("s3-audit", new SqsMessage("audit", "m\n1", "receipt", "g\u001b[31m", null, 1,
                    null, null, BODY, null));
            log.warn("refused object {}: body {}", KEY, BODY);
            MessageLogContext.leave();
            log.error("could not parse", new IllegalStateException(
                    "bad key a\nb\u001b[31m\n2026-12-02T10:00:00.000Z INFO  [main] forged",
                    new java.io.IOException("inner\u001b]0;title\u0007")));
        }
    }
}
