package dev.sqsrouter.observe;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sqsrouter.failure.FailureClass;
import dev.sqsrouter.failure.FailureRecord;
import dev.sqsrouter.failure.FailureRecordedListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the failure records the failure channel newly writes, per queue: {@value #PARKED} by class (BUSINESS,
 * MALFORMED, POISON) and {@value #REDRIVEN}. A redelivery whose record was there already counts nothing.
 */
public class FailureMeters implements FailureRecordedListener {

    static final String PARKED = "sqsrouter.messages.parked";
    static final String REDRIVEN = "sqsrouter.messages.redriven";

    /** SQS queue name -> counter per class; empty until the meters are registered. */
    private final Map<String, Map<FailureClass, Counter>> counters = new ConcurrentHashMap<>();

    /** Registers the counters of these queues, zero to start with. */
    void register(MeterRegistry registry, List<ObservedQueue> queues) {
        for (ObservedQueue queue : queues) {
            Map<FailureClass, Counter> byClass = new EnumMap<>(FailureClass.class);
            for (FailureClass failureClass : FailureClass.values()) {
                byClass.put(failureClass, failureClass == FailureClass.REDRIVEN
                        ? Counter.builder(REDRIVEN).description("Messages SQS redrove to the dead-letter queue, recorded in the failure store")
                                .tags("flow", queue.flow(), "queue", queue.name()).register(registry)
                        : Counter.builder(PARKED).description("Failure records written for the queue's messages (an S3 event"
                                        + " message's refused records count one each), by class")
                                .tags("flow", queue.flow(), "queue", queue.name(), "class", failureClass.name()).register(registry));
            }
            counters.put(queue.queue(), byClass);
        }
    }

    @Override
    public void recorded(FailureRecord record) {
        Map<FailureClass, Counter> byClass = counters.get(record.queue());
        if (byClass != null) {
            byClass.get(record.failureClass()).increment();
        }
    }
}
