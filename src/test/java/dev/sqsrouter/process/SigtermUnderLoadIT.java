package dev.sqsrouter.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Fault: the operator stops the app (SIGTERM, as systemd or docker stop sends it) while it relays a FIFO queue of
 * many groups, against a healthy (50 ms per answer), a slow (3 s per answer) and a dead (connection refused) response server.
 * <p>
 * Promise: the process exits within 30 s of the signal (camel.main.shutdown-timeout); nothing is lost: every message
 * the server did not answer is in the queue again and visible within a few seconds of the exit, although the app's
 * visibility timeout is 60 s (held and unstarted messages are given back, not left invisible); no message the server
 * answered 200 is delivered again (it was deleted); the failure store has no record. The calls under way finish and
 * no call starts after the signal: a group stops after its current message. The test then drains the rest itself:
 * each group's answered messages followed by its drained ones are the whole group, in order.
 */
class SigtermUnderLoadIT extends ProcessTestSupport {

    private static final int GROUPS = 20;
    private static final int PER_GROUP = 20;
    /** Long: a message the app leaves invisible would stay hidden far longer than the test looks for it. */
    private static final int VISIBILITY_SECONDS = 60;

    enum Server {
        /** answers every call after 50 ms */
        HEALTHY,
        /** answers every call after 3 s: calls are under way when the signal comes */
        SLOW,
        /** nothing listens: connections are refused, messages are held and retried in place, the breaker opens */
        DEAD
    }

    @ParameterizedTest(name = "{0} response server")
    @EnumSource(Server.class)
    void sigtermUnderLoadExitsWithin30sLosesNothingAndRedeliversNothingAnswered(Server kind) throws Exception {
        provision(VISIBILITY_SECONDS);
        SampleResponseServer server = kind == Server.DEAD ? null : SampleResponseServer.start(0, null);
        String targetUrl = server != null ? server.url() : "http://127.0.0.1:" + Emulators.freePort() + "/";
        if (server != null) {
            server.delayAnswers(kind == Server.SLOW ? 3000 : 50);
        }
        String queue = queue("queue-1");
        Map<String, Sent> sent = sendInterleaved("queue-1", GROUPS, PER_GROUP);
        Map<String, String> properties = appProperties(targetUrl, VISIBILITY_SECONDS);
        // the breaker's pause as shipped (30 s): the dead server opens it, and a stop must not wait for it to close
        properties.remove("relay.breaker.open-seconds");
        try (AppProcess app = AppProcess.start(prefix + "-" + kind.name().toLowerCase(), properties)) {
            app.awaitReady();

            // under load: calls answered and more under way, or (dead server) messages held in flight
            switch (kind) {
                case HEALTHY -> await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertTrue(
                        server.answered().size() >= 40, "answered " + server.answered().size()));
                // a FIFO receive hands out the messages of one group, so each poller runs one group at a time here
                case SLOW -> await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertTrue(
                        server.answered().size() >= 2 && server.received().size() > server.answered().size(),
                        "answered " + server.answered().size() + ", received " + server.received().size()));
                case DEAD -> await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertTrue(
                        messagesInFlight(queue) >= 20 && app.log().contains("failed, its group waits"),
                        "in flight " + messagesInFlight(queue)));
            }
            long signalled = System.nanoTime();
            app.terminate();
            boolean exited = app.awaitExit(Duration.ofSeconds(60));
            long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            System.out.printf("%s server: exited %s ms after SIGTERM (exit code %s), log %s%n", kind, exitMillis,
                    exited ? app.exitValue() : "-", app.logFile());
            assertTrue(exited && exitMillis < 30_000, kind + ": the app did not exit within 30 s of SIGTERM ("
                    + exitMillis + " ms)");
            String log = app.log();
            assertFalse(log.contains("Forcing the routes to be shutdown"), "the shutdown was not graceful:\n" + log);

            List<String> answered = server == null ? List.of()
                    : server.answered().stream().map(SampleResponseServer.Request::idempotencyKey).toList();
            if (server != null) {
                // the signal came while the queue was still being relayed; every call under way was let finish, and
                // none started after it (a second's grace for the signal to reach the consumer): a group stops after
                // its current message, it does not go on through its batch
                assertTrue(answered.size() < sent.size(), "the run was over before the signal: no load");
                assertEquals(server.received().size(), answered.size(), "calls cut off by the shutdown");
                long lastStart = server.requests().stream().mapToLong(SampleResponseServer.Request::arrivedNanos).max()
                        .orElseThrow();
                assertTrue(lastStart < signalled + TimeUnit.SECONDS.toNanos(1), "calls started "
                        + TimeUnit.NANOSECONDS.toMillis(lastStart - signalled) + " ms after the signal");
            }
            assertEquals(answered.size(), new HashSet<>(answered).size(), "a message was answered twice: " + answered);

            // the rest is visible again within seconds of the exit, though the app received it with 60 s visibility
            Set<String> expected = new HashSet<>(sent.keySet());
            answered.forEach(expected::remove);
            List<Message> drained = new ArrayList<>();
            await("the " + expected.size() + " unanswered messages visible again").atMost(5, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        drained.addAll(receiveVisible(queue));
                        return drained.size() >= expected.size();
                    });
            List<String> drainedIds = drained.stream().map(Message::messageId).toList();
            Set<String> answeredAndAgain = new HashSet<>(drainedIds);
            answeredAndAgain.retainAll(answered);
            assertEquals(Set.of(), answeredAndAgain, "messages answered 200 and delivered again");
            assertEquals(expected, new HashSet<>(drainedIds), "the unanswered messages, each once");
            assertEquals(expected.size(), drainedIds.size(), "a message received twice");
            assertEquals(0, messagesIn(queue), "messages left in the queue (answered but not deleted)");

            // per group: what was answered, then what remains, is the group in order
            Map<String, List<Integer>> answeredByGroup = seqsByGroup(answered, sent);
            Map<String, List<Integer>> remainingByGroup = seqsByGroup(drainedIds, sent);
            Map<String, List<Integer>> whole = new TreeMap<>();
            Map<String, List<Integer>> wanted = new TreeMap<>();
            for (int g = 0; g < GROUPS; g++) {
                String group = "g" + g;
                List<Integer> seqs = new ArrayList<>(answeredByGroup.getOrDefault(group, List.of()));
                seqs.addAll(remainingByGroup.getOrDefault(group, List.of()));
                whole.put(group, seqs);
                wanted.put(group, oneTo(PER_GROUP));
            }
            assertEquals(wanted, whole);
            assertEquals(0, messagesIn(deadLetterQueue("queue-1")), "messages in the dead-letter queue");
            assertEquals(0, failureRecords(), "failure store records");
            System.out.printf("%s server: %d answered before the exit, %d given back and drained in order%n", kind,
                    answered.size(), drainedIds.size());
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
