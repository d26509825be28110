package dev.sqsrouter.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class FirstSendsTest {

    private static FirstSends.First sent(String messageId, long at) {
        return new FirstSends.First(SendMessageResponse.builder().messageId(messageId).build(), at);
    }

    @Test
    void aFirstSendIsFoundWithinTheWindowOnly() {
        FirstSends sends = new FirstSends(10, 100);
        FirstSends.First first = sent("m1", 0);
        assertNull(sends.note("d1", first, 0));
        assertSame(first, sends.of("d1", 99));
        assertNull(sends.of("d1", 100));
        assertNull(sends.of("d2", 0));
        // past the window the id is new again: the next send is a first
        FirstSends.First later = sent("m2", 150);
        assertNull(sends.note("d1", later, 150));
        assertSame(later, sends.of("d1", 200));
    }

    @Test
    void twoSendsOfOneIdUnderWayAtOnceKeepTheOneNotedFirst() {
        FirstSends sends = new FirstSends(10, 100);
        FirstSends.First a = sent("m1", 0);
        assertNull(sends.note("d1", a, 5));
        assertSame(a, sends.note("d1", sent("m2", 1), 6));
        assertSame(a, sends.of("d1", 7));
    }

    @Test
    void atMostCapacityIdsAreKeptTheOldestForgottenFirst() {
        FirstSends sends = new FirstSends(3, 1_000);
        for (int i = 1; i <= 5; i++) {
            sends.note("d" + i, sent("m" + i, i), i);
        }
        assertEquals(3, sends.size());
        assertNull(sends.of("d1", 6));
        assertNull(sends.of("d2", 6));
        assertEquals("m3", sends.of("d3", 6).answer().messageId());
        assertEquals("m5", sends.of("d5", 6).answer().messageId());
    }

    @Test
    void expiredIdsAreForgottenAsNewOnesArrive() {
        FirstSends sends = new FirstSends(100, 10);
        for (int i = 0; i < 50; i++) {
            sends.note("d" + i, sent("m" + i, i), i);
        }
        // at 49 the ids sent before 40 are past the window
        assertEquals(10, sends.size());
    }
}
