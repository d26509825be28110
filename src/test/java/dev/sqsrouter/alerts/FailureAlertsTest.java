package dev.sqsrouter.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureStore;
import org.junit.jupiter.api.Test;

/**
 * Alerts on the emulators, end to end: the relay parks what the response server refuses, the failure channel records
 * it, and the alert reaches the queue subscribed to the alert topic, rate-limited under a burst.
 */
class FailureAlertsTest extends AlertTestSupport {

    @Test
    void aParkedFailureIsAlertedWithItsQueueGroupClassReasonAndConsoleLink() throws Exception {
        context.start();
        String group = "orders/7+a";
        sendToQueue("queue-1", group, "{\"MessageGroupID\":\"" + group + "\",\"transSeq\":1,\"http_status\":422}");

        List<Received> alerts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> alerts.addAll(receiveAlerts()) && !alerts.isEmpty());
        FailureStore store = context.getRegistry().lookupByNameAndType("failureStore", FailureStore.class);
        FailureRecord record = store.list(queue("queue-1"), group).get(0);

        Received alert = alerts.get(0);
        assertEquals(1, alerts.size(), "one failure, one alert: " + alerts);
        assertEquals(FailureAlerts.KIND_FAILURE, alert.kind());
        assertEquals(1, alert.failures());
        assertEquals("sqs-router: BUSINESS failure parked on queue-1", alert.subject());
        String link = CONSOLE + "/console/#record/queue-1/orders%2F7%2Ba/" + record.sortKey();
        String text = alert.text();
        assertTrue(text.contains("queue:  queue-1 (SQS " + queue("queue-1") + ")\n"), text);
        assertTrue(text.contains("group:  " + group + "\n"), text);
        assertTrue(text.contains("class:  BUSINESS\n"), text);
        assertTrue(text.contains("reason: " + record.reason() + "\n"), text);
        assertTrue(text.contains("time:   " + record.recordedAt() + "\n"), text);
        assertTrue(text.contains("record: " + link + "\n"), text);
        System.out.println("--- the alert of one parked failure (subject: " + alert.subject() + ") ---\n" + text);
    }

    @Test
    void aBurstOf300FailuresSendsAHandfulOfMessagesWhoseCountsAddUpTo300() {
        int perQueue = 150;
        int total = 2 * perQueue;
        context.start();
        long start = System.nanoTime();
        sendFailing("queue-1", "burst-a-", perQueue, 500);
        sendFailing("queue-2", "burst-b-", perQueue, 422);

        await().atMost(Duration.ofSeconds(120)).until(() -> recordsInStore() == total);
        double parkedSeconds = (System.nanoTime() - start) / 1e9;
        List<Received> alerts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            alerts.addAll(receiveAlerts());
            return alerts.stream().mapToLong(Received::failures).sum() >= total;
        });
        // and nothing more comes: a whole window and then some without another message
        await().during(Duration.ofSeconds(WINDOW_SECONDS + 2)).atMost(Duration.ofSeconds(WINDOW_SECONDS + 10))
                .until(() -> {
                    alerts.addAll(receiveAlerts());
                    return alerts.stream().mapToLong(Received::failures).sum() == total;
                });

        long reported = alerts.stream().mapToLong(Received::failures).sum();
        assertEquals(total, reported, "every failure counted once: " + alerts.stream().map(Received::failures).toList());
        // the first at once, then at most one summary per window while the burst lasts (and one for its tail)
        int bound = 2 + (int) Math.ceil(parkedSeconds / WINDOW_SECONDS);
        assertTrue(alerts.size() <= bound, alerts.size() + " messages for " + total + " failures parked in "
                + parkedSeconds + " s, more than " + bound);
        assertTrue(alerts.size() < total / 10, "a handful of messages, not one per failure: " + alerts.size());
        assertTrue(alerts.stream().anyMatch(a -> a.kind().equals(FailureAlerts.KIND_FAILURE) && a.failures() == 1));
        Received summary = alerts.stream().filter(a -> a.kind().equals(FailureAlerts.KIND_SUMMARY))
                .max(java.util.Comparator.comparingLong(Received::failures)).orElseThrow();
        assertTrue(summary.text().contains("By queue and class:\n"), summary.text());
        assertTrue(summary.text().contains("  queue-1 (" + queue("queue-1") + "): "), summary.text());
        assertTrue(summary.text().contains(CONSOLE + "/console/#record/"), summary.text());
        assertEquals(total, alerts().publishedFailures());
        System.out.printf("--- burst: %d failures parked in %.1f s (window %d s) -> %d SNS messages, counts %s ---%n",
                total, parkedSeconds, WINDOW_SECONDS, alerts.size(), alerts.stream().map(Received::failures).toList());
        System.out.println("--- the largest summary (subject: " + summary.subject() + ") ---\n" + summary.text());
    }

    @Test
    void aRedrivenMessageIsAlertedAndARecordFoundThereAlreadyIsNot() {
        context.start();
        // what SQS redrives lands in the dead-letter queue; the archiver records it as REDRIVEN
        String group = "redriven-1";
        sqs.sendMessage(b -> b.queueUrl(url(deadLetterQueue("queue-2")))
                .messageBody("{\"data\":{\"MessageGroupID\":\"" + group + "\",\"transSeq\":1}}")
                .messageGroupId(group).messageDeduplicationId(group));

        List<Received> alerts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> alerts.addAll(receiveAlerts()) && !alerts.isEmpty());
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals("sqs-router: REDRIVEN failure redriven on queue-2", alerts.get(0).subject());
        assertTrue(alerts.get(0).text().contains("class:  REDRIVEN\n"), alerts.get(0).text());
        assertTrue(alerts.get(0).text().contains("queue:  queue-2 (SQS " + queue("queue-2") + ")\n"), alerts.get(0).text());

        // the same record written again (a redelivery after the record was written): no second alert
        FailureStore store = context.getRegistry().lookupByNameAndType("failureStore", FailureStore.class);
        FailureRecord recorded = store.list(queue("queue-2"), group).get(0);
        assertEquals(false, store.record(recorded), "found there already");
        await().during(Duration.ofSeconds(WINDOW_SECONDS + 2)).atMost(Duration.ofSeconds(WINDOW_SECONDS + 10))
                .until(() -> {
                    alerts.addAll(receiveAlerts());
                    return alerts.size() == 1;
                });
        assertEquals(1, alerts.size(), "nothing for a record that was there: " + alerts);
        assertEquals(1, alerts().failures());
    }
}
