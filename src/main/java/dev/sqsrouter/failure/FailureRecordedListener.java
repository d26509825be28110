package dev.sqsrouter.failure;

import org.apache.camel.CamelContext;
import org.slf4j.LoggerFactory;

/**
 * Told of each failure record the failure channel newly wrote (a parking, a redrive), not of one that an earlier
 * delivery wrote already. Found in the registry by type; what it does must be quick and must not throw (it runs on the
 * consumer's thread, before the message is deleted).
 */
public interface FailureRecordedListener {

    void recorded(FailureRecord record);

    /** Tells every listener in the registry of the context; a listener that throws is logged, the record stands. */
    static void notifyAll(CamelContext context, FailureRecord record) {
        for (FailureRecordedListener listener : context.getRegistry().findByType(FailureRecordedListener.class)) {
            try {
                listener.recorded(record);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(FailureRecordedListener.class).warn("{} failed on the record of message {}",
                        listener.getClass().getSimpleName(), record.messageId(), e);
            }
        }
    }
}
