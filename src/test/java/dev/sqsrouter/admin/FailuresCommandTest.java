package dev.sqsrouter.admin;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqsrouter.AppCommandLine;
import dev.sqsrouter.AppCommandLine.Result;
import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStatus;
import dev.sqsrouter.ingress.IngressTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * java -jar sqs-router.jar failures ... as an operator runs it, each in a JVM of its own, on the failure store of the
 * app under test (the emulators): its output, human and --json, and its exit codes.
 */
class FailuresCommandTest extends IngressTestSupport {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** What one run printed on each stream and how it ended. */

    private Properties configuration;

    @TempDir
    Path temp;

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        configuration = properties;
    }

    private void store(String alias, String group, int sequence, FailureClass failureClass) {
        appFailureStore().record(new FailureRecord(queue(alias), group, Integer.toString(sequence), "m-" + sequence,
                "{\"data\":{\"MessageGroupID\":\"" + group + "\",\"transSeq\":\"" + sequence + "\",\"http_status\":200}}",
                failureClass, "response server answered status_code 500", 200, "{\"status_code\": 500}", 1,
                T0.plusSeconds(sequence), T0.plusSeconds(sequence)));
    }

    @Test
    void listShowStatsReplayAndDiscardWorkOnTheStoreWithTheExitCodesAScriptExpects() throws Exception {
        store("queue-1", "cli", 1, FailureClass.BUSINESS);
        store("queue-1", "cli", 2, FailureClass.BUSINESS);
        store("queue-2", "other", 3, FailureClass.MALFORMED);

        Result list = run("list", "--limit", "2");
        assertEquals(0, list.exitCode(), list.stderr());
        List<String> lines = list.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("RECORDED AT"), list.stdout());
        assertTrue(lines.get(1).contains("queue-2") && lines.get(1).contains("other") && lines.get(1).contains("MALFORMED"), list.stdout());
        assertTrue(lines.get(2).contains("queue-1") && lines.get(2).contains(" 2 "), list.stdout());
        assertTrue(lines.get(4).startsWith("next page: --cursor "), list.stdout());
        Result rest = run("list", "--limit", "2", "--cursor", lines.get(4).substring("next page: --cursor ".length()), "--json");
        assertEquals(0, rest.exitCode(), rest.stderr());
        JsonNode page = JSON.readTree(rest.stdout());
        assertEquals(1, page.path("records").size(), rest.stdout());
        assertEquals("m-1", page.path("records").get(0).path("messageId").asText());
        assertTrue(page.path("next").isNull(), rest.stdout());

        Result filtered = run("list", "--queue", "queue-1", "--class", "BUSINESS", "--json");
        assertEquals(2, JSON.readTree(filtered.stdout()).path("records").size(), filtered.stdout());

        Result stats = run("stats", "--json");
        assertEquals(0, stats.exitCode(), stats.stderr());
        JsonNode counts = JSON.readTree(stats.stdout());
        assertEquals(3, counts.path("total").asInt());
        assertEquals(2, counts.path("queues").path("queue-1").path("classes").path("BUSINESS").asInt(), stats.stdout());
        Result statsText = run("stats");
        assertTrue(statsText.stdout().contains("queue-2") && statsText.stdout().contains("MALFORMED"), statsText.stdout());

        Result show = run("show", "queue-1", "cli", "2");
        assertEquals(0, show.exitCode(), show.stderr());
        assertTrue(show.stdout().contains("status           OPEN"), show.stdout());
        assertTrue(show.stdout().contains("\"transSeq\":\"2\""), show.stdout());

        Result discard = run("discard", "queue-1", "cli", "2", "--reason", "the order was cancelled");
        assertEquals(0, discard.exitCode(), discard.stderr());
        assertEquals(FailureStatus.DISCARDED, failureStore().find(queue("queue-1"), "cli", FailureRecord.paddedSequence("2"))
                .orElseThrow().status());
        assertEquals("the order was cancelled", failureStore().find(queue("queue-1"), "cli", FailureRecord.paddedSequence("2"))
                .orElseThrow().discardReason());
        Result again = run("discard", "queue-1", "cli", "2", "--reason", "twice");
        assertEquals(4, again.exitCode(), "a record no longer OPEN is a conflict: " + again.stderr());
        assertTrue(again.stderr().contains("DISCARDED already"), again.stderr());

        Result replay = run("replay", "queue-1", "cli", "--json");
        assertEquals(0, replay.exitCode(), replay.stderr());
        assertEquals(1, JSON.readTree(replay.stdout()).path("replayed").size(), replay.stdout());
        await().atMost(20, SECONDS).until(() -> !target.received().isEmpty());
        assertEquals(List.of("{\"data\":{\"MessageGroupID\":\"cli\",\"transSeq\":\"1\",\"http_status\":200}}"), target.received());

        Result missing = run("show", "queue-1", "cli", "99");
        assertEquals(3, missing.exitCode(), missing.stderr());
        Result unknownQueue = run("list", "--queue", "nope");
        assertEquals(3, unknownQueue.exitCode(), unknownQueue.stderr());
    }

    @Test
    void controlCharactersOfARecordAreEncodedBeforeTheyReachTheTerminal() throws Exception {
        String reason = "response server answered \u001b[2J\u001b[31mall clear\u0007\r\n2026-12-01T10:00:00Z forged\u009b";
        String body = "{\"data\":{\"MessageGroupID\":\"esc\",\"note\":\"a\\u001b[31m\"}}\u001b]0;title\u0007";
        appFailureStore().record(new FailureRecord(queue("queue-1"), "esc", "5", "m-5", body, FailureClass.BUSINESS, reason, 200,
                "{\"status_code\": 500, \"content\": \"\u001b[5m\"}", 1, T0, T0));

        Result list = run("list", "--group", "esc");
        assertEquals(0, list.exitCode(), list.stderr());
        assertEquals("", controlCharactersButLineFeeds(list.stdout()), list.stdout());
        assertTrue(list.stdout().contains("response server answered \\u001b[2J\\u001b[31mall clear\\u0007 2026-12-01T10:00:00Z"),
                list.stdout());
        assertEquals(4, list.stdout().lines().count(), "heading, one record, count, page: " + list.stdout());

        Result show = run("show", "queue-1", "esc", "5");
        assertEquals(0, show.exitCode(), show.stderr());
        assertEquals("", controlCharactersButLineFeeds(show.stdout()), show.stdout());
        assertTrue(show.stdout().contains("reason           " + reason.replace("\u001b", "\\u001b").replace("\u0007", "\\u0007")
                .replace("\r", "\\r").replace("\n", "\\n").replace("\u009b", "\\u009b") + "\n"), show.stdout());
        assertTrue(show.stdout().endsWith("body\n{\"data\":{\"MessageGroupID\":\"esc\",\"note\":\"a\\u001b[31m\"}}\\u001b]0;title\\u0007\n"),
                show.stdout());

        Result json = run("show", "queue-1", "esc", "5", "--json");
        assertEquals(0, json.exitCode(), json.stderr());
        assertEquals("", controlCharactersButLineFeeds(json.stdout()), json.stdout());
        JsonNode shown = JSON.readTree(json.stdout());
        assertEquals(reason, shown.path("reason").asText(), "--json is exact once parsed");
        assertEquals(body, shown.path("body").asText());
    }

    private static String controlCharactersButLineFeeds(String text) {
        StringBuilder found = new StringBuilder();
        text.chars().filter(c -> Character.getType(c) == Character.CONTROL && c != '\n')
                .forEach(c -> found.append(String.format("U+%04X ", c)));
        return found.toString();
    }

    @Test
    void usageMistakesEndWithExitCodeTwoAndTheUsageOnStandardError() throws Exception {
        for (String[] args : List.of(new String[] {}, new String[] {"lsit"}, new String[] {"show", "queue-1"},
                new String[] {"discard", "queue-1", "g", "1"}, new String[] {"list", "--sort", "asc"},
                new String[] {"list", "--limit"})) {
            Result result = run(args);
            assertEquals(2, result.exitCode(), String.join(" ", args) + ": " + result.stderr());
            assertTrue(result.stderr().contains("usage: java -jar sqs-router.jar failures"), result.stderr());
            assertEquals("", result.stdout());
        }
        Result badLimit = run("list", "--limit", "900");
        assertEquals(2, badLimit.exitCode(), badLimit.stderr());
        assertTrue(badLimit.stderr().contains("limit '900' must be a whole number from 1 to 500"), badLimit.stderr());
    }

    @Test
    void theStoreNotAnsweringEndsWithExitCodeOne() throws Exception {
        configuration.setProperty("aws.endpoint.dynamodb", "http://127.0.0.1:" + dev.sqsrouter.sandbox.Emulators.freePort());
        configuration.setProperty("aws.api-call-timeout-seconds", "5");
        Result result = run("stats");
        assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stderr().contains("failure store did not answer"), result.stderr());
    }

    /** java ... dev.sqsrouter.Application failures args, configured as the app under test is. */
    private Result run(String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("failures"));
        line.addAll(List.of(args));
        Map<String, String> properties = new TreeMap<>();
        configuration.forEach((key, value) -> properties.put((String) key, (String) value));
        return AppCommandLine.run(temp, line, Path.of("."), Map.of(), properties);
    }
}
