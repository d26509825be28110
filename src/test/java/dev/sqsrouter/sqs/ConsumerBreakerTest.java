package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ConsumerBreakerTest {

    @Test
    void opensAfterThresholdFailedBatchesInARowAndASuccessResetsTheCount() {
        ConsumerBreaker breaker = new ConsumerBreaker(3, 60_000);
        breaker.record(true);
        breaker.record(true);
        breaker.record(false);
        breaker.record(true);
        breaker.record(true);
        assertFalse(breaker.isOpen());
        breaker.record(true);
        assertTrue(breaker.isOpen());
    }

    @Test
    void afterOpeningOnceOneMoreFailureOpensItAgainUntilASuccess() {
        ConsumerBreaker breaker = new ConsumerBreaker(3, 50);
        for (int i = 0; i < 3; i++) {
            breaker.record(true);
        }
        assertTrue(breaker.isOpen());
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> !breaker.isOpen());
        assertEquals("HALF_OPEN", breaker.state());
        breaker.record(true);
        assertTrue(breaker.isOpen(), "half open: the first failed batch after a pause opens it again");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> !breaker.isOpen());
        breaker.record(false);
        assertEquals("CLOSED", breaker.state());
        breaker.record(true);
        assertFalse(breaker.isOpen(), "a success closed it: the count starts again");
        assertEquals("CLOSED", breaker.state());
    }

    @Test
    void failuresWhileOpenDoNotProlongItsPeriod() {
        ConsumerBreaker breaker = new ConsumerBreaker(1, 300);
        breaker.record(true);
        assertTrue(breaker.isOpen());
        // retries in place go on failing while it is open: it still closes when its period is over
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> {
            if (!breaker.isOpen()) {
                return true;
            }
            breaker.record(true);
            return false;
        });
        assertEquals("HALF_OPEN", breaker.state());
    }

    @Test
    void aSuccessWhileOpenClosesItAndWakesTheWaitingPoller() throws Exception {
        ConsumerBreaker breaker = new ConsumerBreaker(1, 60_000);
        breaker.record(true);
        assertTrue(breaker.isOpen());
        Thread poller = new Thread(() -> {
            try {
                breaker.awaitClosed(() -> true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "poller");
        poller.start();
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> poller.getState() == Thread.State.TIMED_WAITING);
        // a message held for a retry in place got through: the target is back
        breaker.record(false);
        assertEquals("CLOSED", breaker.state());
        poller.join(5_000);
        assertFalse(poller.isAlive(), "the poller receives again at once, not after the 60 s period");
    }

    @Test
    void awaitClosedReturnsWhenTheConsumerStops() throws InterruptedException {
        ConsumerBreaker breaker = new ConsumerBreaker(1, 60_000);
        breaker.record(true);
        breaker.awaitClosed(() -> false);
        assertTrue(breaker.isOpen());
        assertEquals("OPEN", breaker.state());
    }

    @Test
    void thresholdZeroNeverOpens() {
        ConsumerBreaker breaker = new ConsumerBreaker(0, 60_000);
        for (int i = 0; i < 10; i++) {
            breaker.record(true);
        }
        assertFalse(breaker.isOpen());
    }
}
