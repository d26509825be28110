package dev.sqsrouter.s3events;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import dev.sqsrouter.sandbox.Emulators;
import dev.sqsrouter.sandbox.SampleResponseServer;
import org.junit.jupiter.api.Test;

/** An audit target that refuses connections: the message stays in SQS, and is delivered once the target is up. */
class S3AuditTargetDownTest extends S3EventsTestSupport {

    private int downPort;

    @Override
    protected void overrideS3EventsProperties(Properties properties) {
        downPort = Emulators.freePort();
        properties.setProperty("s3events.audit.url", "http://127.0.0.1:" + downPort + "/");
    }

    @Test
    void refusedAuditKeepsTheMessageUntilTheTargetIsUp() throws Exception {
        sendEvent(AUDIT, S3EventFixtures.fixture("sns-put.json"));

        // retried in place, the message held in flight
        await().atMost(20, SECONDS).until(() -> s3Stats(AUDIT).retried() >= 2);
        assertEquals(1, messagesIn(s3Queue(AUDIT)));
        assertEquals(1, s3Stats(AUDIT).received());
        assertEquals(0, s3Stats(AUDIT).deleted());
        assertTrue(s3Failures(AUDIT).isEmpty(), "a refused connection is not a business failure");

        try (SampleResponseServer late = SampleResponseServer.start(downPort, null)) {
            await().atMost(20, SECONDS).until(() -> messagesIn(s3Queue(AUDIT)) == 0);
            assertEquals(1, late.received().size());
            assertTrue(late.received().get(0).contains("cats/my cat + friend é.png"), late.received().get(0));
        }
        assertTrue(s3Failures(AUDIT).isEmpty());
    }
}
