package dev.sqsrouter.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/**
 * An SNS that takes connections and never answers: the alert publication hangs, and every failure is parked and
 * recorded all the same, at the pace of a working SNS.
 */
class AlertsSnsOutageTest extends AlertTestSupport {

    private ServerSocket silentSns;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    @Override
    protected void overrideProperties(Properties properties) {
        super.overrideProperties(properties);
        try {
            silentSns = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!silentSns.isClosed()) {
                try {
                    held.add(silentSns.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-sns");
        acceptor.setDaemon(true);
        acceptor.start();
        properties.setProperty("aws.endpoint.sns", "http://127.0.0.1:" + silentSns.getLocalPort());
        // one attempt may hang this long: far longer than parking everything takes
        properties.setProperty("aws.api-call-attempt-timeout-seconds", "30");
        properties.setProperty("aws.api-call-timeout-seconds", "40");
    }

    @Override
    protected void cleanupResources() throws Exception {
        closeSilentSns();
        super.cleanupResources();
    }

    private void closeSilentSns() throws IOException {
        silentSns.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void anSnsThatNeverAnswersNeitherStopsNorDelaysParking() throws Exception {
        int total = 100;
        context.start();
        long start = System.nanoTime();
        sendFailing("queue-1", "outage-", total, 422);

        await().atMost(Duration.ofSeconds(20)).until(() -> recordsInStore() == total);
        double parkedSeconds = (System.nanoTime() - start) / 1e9;
        // the first alert reaches the silent SNS (its call may start after the last record is written: parking does not
        // wait for it) and hangs there
        await("the alert flow calls the silent SNS").atMost(Duration.ofSeconds(20)).until(() -> !held.isEmpty());
        // a record is in the store a step before its alert is tapped (its open counter is written between)
        await("every new failure reached the alert flow").atMost(Duration.ofSeconds(10))
                .until(() -> alerts().failures() == total);
        assertEquals(0, alerts().published() + alerts().notPublished(), "the publication is still hanging");
        System.out.printf("--- SNS silent: %d failures parked and recorded in %.1f s while the alert hung ---%n",
                total, parkedSeconds);

        // SNS goes away for good: the publication fails, is logged and counted; nothing else changes
        closeSilentSns();
        await().atMost(Duration.ofSeconds(60)).until(() -> alerts().notPublished() >= 1);
        assertEquals(0, alerts().published());
        assertEquals(total, recordsInStore());
        assertEquals(0, messagesIn(queue("queue-1")), "every message parked and deleted");
    }
}
