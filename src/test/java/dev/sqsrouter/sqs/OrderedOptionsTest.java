package dev.sqsrouter.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;

/** sqs-ordered's own options: documented for Camel's tooling, and the waits derived from them. */
class OrderedOptionsTest {

    @Test
    void everyOptionIsDescribedAndItsDeclaredDefaultIsTheRealOne() throws Exception {
        OrderedOptions defaults = new OrderedOptions();
        List<String> names = new ArrayList<>();
        for (Field field : OrderedOptions.class.getDeclaredFields()) {
            UriParam option = field.getAnnotation(UriParam.class);
            if (option == null) {
                continue;
            }
            names.add(field.getName());
            assertFalse(option.description().isBlank(), field.getName() + " has no description");
            assertEquals("consumer", option.label(), field.getName());
            field.setAccessible(true);
            Object value = field.get(defaults);
            assertEquals(option.defaultValue().isEmpty() ? null : option.defaultValue(), value == null ? null : value.toString(),
                    field.getName() + "'s declared default");
        }
        // the names the route templates use
        assertEquals(List.of("maxGroupsInFlight", "maxConcurrentReceives", "failedVisibilityTimeout", "breakerThreshold",
                "breakerOpenSeconds", "extendMessageVisibility", "retryDelayMs", "retryMaxDelayMs", "poisonAttempts",
                "maxHoldSeconds"), names);
    }

    @Test
    void theRetryWaitDoublesFromItsFirstDelayUpToItsCap() {
        OrderedOptions options = new OrderedOptions();
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L),
                IntStream.rangeClosed(1, 7).mapToObj(options::retryDelayMs).toList());
    }

    @Test
    void aGroupIsHeldForMaxHoldSecondsAtMostAndReleasedBeforeSqssTwelveHourCeiling() {
        OrderedOptions options = new OrderedOptions();
        // 11 h by default, less one longest retry wait, so that no retry starts past it
        assertEquals(TimeUnit.HOURS.toMillis(11) - 5000, options.maxHoldMillis(60));
        options.setMaxHoldSeconds(OrderedOptions.SQS_MAX_VISIBILITY_SECONDS);
        // the last extension (one visibility timeout) and a minute of margin must still fit in the 12 hours
        assertEquals(TimeUnit.SECONDS.toMillis(43_200 - 60 - 60) - 5000, options.maxHoldMillis(60));
        options.setMaxHoldSeconds(0);
        assertEquals(0, options.maxHoldMillis(60));
    }

    @Test
    void theDefaultsAreValid() {
        new OrderedOptions().validate("queue-1.fifo");
        assertTrue(new OrderedOptions().isExtendMessageVisibility(), "held in flight unless turned off");
    }
}
